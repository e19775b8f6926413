// SPDX-License-Identifier: GPL-2.0
/*
 * aslr_probe: exec'ed many times by the aslr group, prints where this
 * fresh exec's regions landed, on one line of hex numbers (the order is
 * the aslr group's enum region). It links nothing of the vas library
 * and does as little as it can: it runs --samples times per mode.
 *
 * usage: aslr_probe PMD_SIZE FILE FILE_SIZE
 *   PMD_SIZE   the size of the PMD-sized anonymous mapping (the THP size)
 *   FILE       a file of at least FILE_SIZE bytes to map ("-": none)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/mman.h>

/*
 * getauxval as libc has it, not a PLT slot: a pointer the dynamic linker
 * fills in, read through an empty asm so that the compiler cannot put a
 * link-time address of its own in its place.
 */
static unsigned long (*libc_fn)(unsigned long) = getauxval;

static uintptr_t libc_fn_addr(void)
{
	uintptr_t a = (uintptr_t)libc_fn;

	__asm__ __volatile__("" : "+r" (a));
	return a;
}

static uintptr_t map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? 0 : (uintptr_t)p;
}

static uintptr_t map_file(const char *path, size_t len)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY) : -1;
	void *p;

	if (fd < 0)
		return 0;
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	return p == MAP_FAILED ? 0 : (uintptr_t)p;
}

/* Start of the [stack] mapping, from /proc/self/maps. */
static uintptr_t stack_vma(void)
{
	char line[512];
	uintptr_t start = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[stack]")) {
			start = (uintptr_t)strtoull(line, NULL, 16);
			break;
		}
	fclose(f);
	return start;
}

/* end_data and start_brk: fields 46 and 47 of /proc/self/stat. */
static void brk_fields(unsigned long long *end_data,
		       unsigned long long *start_brk)
{
	char buf[1024], *p;
	ssize_t got;
	int fd = open("/proc/self/stat", O_RDONLY), field;

	*end_data = *start_brk = 0;
	if (fd < 0)
		return;
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (got <= 0)
		return;
	buf[got] = '\0';
	p = strrchr(buf, ')');
	/* Each space after the ")" of the name starts the next field, from 3. */
	for (field = 3; p && field <= 47; field++) {
		p = strchr(p + 1, ' ');
		if (p && field == 46)
			*end_data = strtoull(p + 1, NULL, 10);
		if (p && field == 47)
			*start_brk = strtoull(p + 1, NULL, 10);
	}
}

int main(int argc, char **argv)
{
	unsigned long long end_data, start_brk, rnd_bytes = 0;
	uintptr_t at_random, small, large, page, pmd_page, file, pmd;
	size_t pmd_len, file_len, ps = getpagesize();
	int stack_var;

	if (argc != 4)
		return 2;
	pmd_len = strtoul(argv[1], NULL, 0);
	file_len = strtoul(argv[3], NULL, 0);
	brk_fields(&end_data, &start_brk);
	at_random = (uintptr_t)getauxval(AT_RANDOM);
	if (at_random)
		memcpy(&rnd_bytes, (void *)at_random, sizeof(rnd_bytes));
	small = (uintptr_t)malloc(64);
	/* Above glibc's mmap threshold (128 KiB at start). */
	large = (uintptr_t)malloc(1024 * 1024);
	page = map_anon(ps);
	/*
	 * Top-down, each mapping goes right below the previous one: the
	 * exactly PMD-sized one, which may be PMD-aligned, comes last so
	 * that it does not pass its alignment on to the others.
	 */
	pmd_page = map_anon(pmd_len + ps);
	file = map_file(argv[2], file_len);
	pmd = map_anon(pmd_len);

	/* Keep this order in sync with enum region in aslr.c. */
	printf("%lx %lx %llx %llx %lx %lx %lx %lx %lx %lx %lx %lx %lx %lx %llx\n",
	       (unsigned long)(uintptr_t)&stack_var,
	       (unsigned long)stack_vma(), end_data, start_brk,
	       (unsigned long)small, (unsigned long)large,
	       (unsigned long)page, (unsigned long)pmd,
	       (unsigned long)pmd_page, (unsigned long)file,
	       (unsigned long)libc_fn_addr(),
	       (unsigned long)(uintptr_t)main,
	       (unsigned long)getauxval(AT_SYSINFO_EHDR),
	       (unsigned long)at_random, rnd_bytes);
	return fflush(stdout) ? 1 : 0;
}
