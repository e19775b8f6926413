// SPDX-License-Identifier: GPL-2.0
/*
 * What user space can see of a range's memory: fault counters,
 * residency (mincore), /proc/self/pagemap entries, and anonymous
 * mappings made for counting (THP off, so one fault is one page).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "vas_lib.h"

int vas_faults(struct vas_faults *f)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return -errno;
	f->minor = (unsigned long)ru.ru_minflt;
	f->major = (unsigned long)ru.ru_majflt;
	return 0;
}

int vas_stat_faults(pid_t pid, struct vas_faults *f)
{
	char path[64], buf[1024], *p;
	unsigned long minflt, majflt;
	ssize_t got;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/stat");
	got = vas_read_file(path, buf, sizeof(buf));
	if (got < 0)
		return (int)got;
	/* The command name may hold spaces: fields count from its ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %lu %*u %lu",
		   &minflt, &majflt) != 2)
		return -EINVAL;
	f->minor = minflt;
	f->major = majflt;
	return 0;
}

long vas_resident_pages(const void *addr, size_t len)
{
	size_t ps = vas_page_size(), n = (len + ps - 1) / ps, i;
	unsigned char *vec = malloc(n ? n : 1);
	long count = 0;

	if (!vec)
		return -ENOMEM;
	if (mincore((void *)addr, len, vec)) {
		count = -errno;
		free(vec);
		return count;
	}
	for (i = 0; i < n; i++)
		count += vec[i] & 1;
	free(vec);
	return count;
}

int vas_pagemap(const void *addr, size_t nr_pages, uint64_t *entries)
{
	size_t ps = vas_page_size();
	off_t off = (off_t)((uintptr_t)addr / ps) * (off_t)sizeof(uint64_t);
	size_t want = nr_pages * sizeof(uint64_t);
	ssize_t got;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	got = pread(fd, entries, want, off);
	if (got < 0)
		got = -errno;
	close(fd);
	if (got < 0)
		return (int)got;
	return (size_t)got == want ? 0 : -EIO;
}

long vas_pagemap_count(const void *addr, size_t nr_pages, uint64_t bit)
{
	uint64_t *e = calloc(nr_pages ? nr_pages : 1, sizeof(*e));
	long count = 0;
	size_t i;
	int ret;

	if (!e)
		return -ENOMEM;
	ret = vas_pagemap(addr, nr_pages, e);
	if (ret) {
		free(e);
		return ret;
	}
	for (i = 0; i < nr_pages; i++)
		count += !!(e[i] & bit);
	free(e);
	return count;
}

/* Not periodic at page or power-of-two strides: a moved page shows. */
static unsigned char pattern(unsigned int seed, size_t off)
{
	return (unsigned char)(seed * 37 + off + off / 251);
}

void vas_fill(void *p, size_t len, unsigned int seed, size_t base)
{
	unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		c[i] = pattern(seed, base + i);
}

size_t vas_matching(const void *p, size_t len, unsigned int seed,
		    size_t base)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i] != pattern(seed, base + i))
			break;
	return i;
}

size_t vas_mapped_pages(const void *addr, size_t nr_pages)
{
	size_t ps = vas_page_size(), i, count = 0;
	unsigned char v;

	/* mincore() fails with ENOMEM on a page outside every VMA. */
	for (i = 0; i < nr_pages; i++)
		if (!mincore((char *)addr + i * ps, ps, &v))
			count++;
	return count;
}

void *vas_map_anon_nothp(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/*
	 * Without THP one fault maps one page, so counts are exact; on a
	 * kernel without THP the advice fails, and that is fine too.
	 */
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

int vas_set_memlock(unsigned long soft, unsigned long hard)
{
	struct rlimit rl = { .rlim_cur = soft, .rlim_max = hard };

	return setrlimit(RLIMIT_MEMLOCK, &rl) ? -errno : 0;
}
