// SPDX-License-Identifier: GPL-2.0
/*
 * vas-fuzz: hostile input for the vas_probe module. Several threads send
 * random requests to /dev/vas_probe (known and unknown commands, wrong
 * sizes and flags, random addresses, page counts and buffers: NULL,
 * kernel-half, unmapped, read-only, straddling an unmapped page) while
 * another thread keeps changing the address space they walk. Then an
 * unprivileged task (nobody, no capabilities) must be refused.
 *
 *   vas-fuzz [-n REQUESTS] [-t THREADS] [-s SEED]
 *
 * Prints "vas-fuzz: N requests ..." with the errors seen per errno and
 * exits 0 when every request came back (no crash of this program) and
 * unprivileged callers were refused; 1 otherwise, 2 for a setup error.
 * Watching the kernel log is the caller's part (mutate/fuzz-guest.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "vas_probe.h"

#define MAX_THREADS	16
#define NERR		160

static const unsigned long cmds[] = {
	VAS_PROBE_IOC_INFO, VAS_PROBE_IOC_LAYOUT, VAS_PROBE_IOC_ADDRS,
	VAS_PROBE_IOC_WALK, VAS_PROBE_IOC_VMA, VAS_PROBE_IOC_MM,
	VAS_PROBE_IOC_NODES, VAS_PROBE_IOC_ZONES, VAS_PROBE_IOC_KSTACK,
};

static int dev = -1;
static long page;
static unsigned long per_thread;
static volatile int stop_churn;
/* A page followed by an unmapped one, and a read-only page. */
static char *edge, *ro;
/* The churn thread's region: mapped, unmapped, remapped all the time. */
static char *churn;
#define CHURN_PAGES	64

struct stats {
	unsigned long requests, ok, err[NERR];
};

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* An address somewhere interesting. */
static uint64_t rnd_addr(uint64_t *s)
{
	switch (rnd(s) % 10) {
	case 0:
		return 0;
	case 1:
		return rnd(s);				/* anything */
	case 2:
		return ~(uint64_t)0 - (rnd(s) % 8192);	/* the very top */
	case 3:
		return (uintptr_t)churn + (rnd(s) % (CHURN_PAGES + 4)) * page;
	case 4:
		return (uintptr_t)edge + page - (rnd(s) % 64);
	case 5:
		return (uintptr_t)ro;
	case 6:
		return (uint64_t)1 << (rnd(s) % 64);	/* each bit alone */
	case 7:
		return ((uint64_t)1 << (rnd(s) % 64)) - page;
	default:
		return (uintptr_t)churn + rnd(s) % (CHURN_PAGES * page);
	}
}

static void fill(void *buf, size_t len, uint64_t *s)
{
	unsigned char *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = rnd(s);
}

/* One request: a command, and a struct more or less well formed. */
static void one(struct stats *st, uint64_t *s, void *buf, size_t buflen)
{
	unsigned long cmd = cmds[rnd(s) % (sizeof(cmds) / sizeof(cmds[0]))];
	size_t size = _IOC_SIZE(cmd);
	uint32_t *hdr = buf;
	void *arg = buf;
	long ret;

	fill(buf, buflen, s);
	switch (rnd(s) % 16) {
	case 0:	/* an unknown command or a wrong encoded size */
		cmd = _IOC(rnd(s) % 4, rnd(s) % 4 ? VAS_PROBE_IOC_MAGIC : rnd(s),
			   rnd(s) % 16, rnd(s) % 512);
		break;
	case 1:	/* a bad argument pointer */
		arg = (void *)(uintptr_t)rnd_addr(s);
		break;
	case 2:	/* the struct straddles an unmapped page */
		arg = edge + page - size / 2;
		break;
	case 3:	/* read-only memory for the answer */
		arg = ro;
		break;
	default:
		break;
	}
	if (arg == buf && rnd(s) % 4) {
		/* A header that passes, so the command's own checks run. */
		hdr[0] = size;
		hdr[1] = rnd(s) % 8 ? 0 : rnd(s);
		if (cmd == VAS_PROBE_IOC_WALK) {
			struct vas_probe_walk *w = buf;

			w->addr = rnd(s) % 3 ? rnd_addr(s) & ~(page - 1) : rnd_addr(s);
			w->nr_pages = rnd(s) % 4 ? rnd(s) % 300 :
				      rnd(s) % 3 ? VAS_PROBE_WALK_MAX + rnd(s) % 3 - 1 : rnd(s);
			w->entry_size = rnd(s) % 8 ? sizeof(struct vas_probe_pte) : rnd(s);
			w->reserved = rnd(s) % 8 ? 0 : rnd(s);
			w->entries = rnd(s) % 3 ? (uintptr_t)churn : rnd_addr(s);
		} else if (cmd == VAS_PROBE_IOC_VMA) {
			((struct vas_probe_vma *)buf)->addr = rnd_addr(s);
		} else if (cmd == VAS_PROBE_IOC_NODES || cmd == VAS_PROBE_IOC_ZONES) {
			struct vas_probe_list *l = buf;

			l->entry_size = rnd(s) % 8 ? (cmd == VAS_PROBE_IOC_NODES ?
				sizeof(struct vas_probe_node) : sizeof(struct vas_probe_zone)) : rnd(s);
			l->capacity = rnd(s) % 4 ? rnd(s) % 64 : rnd(s);
			l->reserved = rnd(s) % 8 ? 0 : rnd(s);
			l->entries = rnd(s) % 3 ? (uintptr_t)churn : rnd_addr(s);
		}
	}
	ret = ioctl(dev, cmd, arg);
	st->requests++;
	if (!ret)
		st->ok++;
	else if (errno > 0 && errno < NERR)
		st->err[errno]++;
	else
		st->err[0]++;
}

static void *worker(void *arg)
{
	struct stats *st = arg;
	uint64_t s = (uintptr_t)st * 0x9e3779b97f4a7c15ULL + 1;
	static __thread char buf[4096] __attribute__((aligned(64)));
	unsigned long i;

	for (i = 0; i < per_thread; i++)
		one(st, &s, buf, sizeof(buf));
	return NULL;
}

/* Maps, unmaps, protects and touches the region the walkers walk. */
static void *churner(void *arg)
{
	uint64_t s = 42;

	(void)arg;
	while (!stop_churn) {
		size_t off = (rnd(&s) % CHURN_PAGES) * page;
		size_t len = (1 + rnd(&s) % 8) * page;
		char *p = churn + off;

		if (off + len > CHURN_PAGES * (size_t)page)
			len = CHURN_PAGES * page - off;
		switch (rnd(&s) % 4) {
		case 0:
			munmap(p, len);
			break;
		case 1:
			mmap(p, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			break;
		case 2:
			mprotect(p, len, rnd(&s) % 2 ? PROT_READ : PROT_READ | PROT_WRITE);
			break;
		default:
			madvise(p, len, rnd(&s) % 2 ? MADV_DONTNEED : MADV_WILLNEED);
			break;
		}
	}
	return NULL;
}

/* A task without privilege: open and ioctl on an inherited fd refused. */
static int unprivileged_refused(void)
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2] = { { 0 } };
		struct vas_probe_info info = { .size = sizeof(info) };

		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534) ||
		    syscall(SYS_capset, &h, d))
			_exit(3);
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		fd = open(VAS_PROBE_DEVICE, O_RDWR);
		if (fd >= 0 || (errno != EACCES && errno != EPERM)) {
			fprintf(stderr, "vas-fuzz: unprivileged open: %s\n",
				fd >= 0 ? "allowed" : strerror(errno));
			_exit(1);
		}
		/* The root-opened fd, inherited: every ioctl still EPERM. */
		if (ioctl(dev, VAS_PROBE_IOC_INFO, &info) != -1 || errno != EPERM) {
			fprintf(stderr, "vas-fuzz: unprivileged ioctl on an inherited fd: %s\n",
				strerror(errno));
			_exit(1);
		}
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	unsigned long total = 100000, ok = 0, errs[NERR] = { 0 }, requests = 0;
	static struct stats st[MAX_THREADS];
	pthread_t th[MAX_THREADS], ch;
	int threads = 4, opt, i, e, refused;

	while ((opt = getopt(argc, argv, "n:t:")) != -1) {
		switch (opt) {
		case 'n':
			total = strtoul(optarg, NULL, 0);
			break;
		case 't':
			threads = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-n REQUESTS] [-t THREADS]\n", argv[0]);
			return 2;
		}
	}
	if (threads < 1 || threads > MAX_THREADS || !total) {
		fprintf(stderr, "vas-fuzz: 1..%d threads, at least one request\n", MAX_THREADS);
		return 2;
	}
	page = sysconf(_SC_PAGESIZE);
	dev = open(VAS_PROBE_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		fprintf(stderr, "vas-fuzz: %s: %s (load vas_probe.ko as root)\n",
			VAS_PROBE_DEVICE, strerror(errno));
		return 2;
	}
	edge = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	churn = mmap(NULL, CHURN_PAGES * page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (edge == MAP_FAILED || ro == MAP_FAILED || churn == MAP_FAILED ||
	    munmap(edge + page, page)) {
		perror("vas-fuzz: mmap");
		return 2;
	}
	per_thread = (total + threads - 1) / threads;
	pthread_create(&ch, NULL, churner, NULL);
	for (i = 0; i < threads; i++)
		if (pthread_create(&th[i], NULL, worker, &st[i])) {
			perror("vas-fuzz: thread");
			return 2;
		}
	for (i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		requests += st[i].requests;
		ok += st[i].ok;
		for (e = 0; e < NERR; e++)
			errs[e] += st[i].err[e];
	}
	stop_churn = 1;
	pthread_join(ch, NULL);
	printf("vas-fuzz: %lu requests from %d threads: %lu answered", requests,
	       threads, ok);
	for (e = 0; e < NERR; e++)
		if (errs[e])
			printf(", %lu %s", errs[e], e ? strerrorname_np(e) ?: "?" : "other");
	printf("\n");
	refused = unprivileged_refused();
	printf("vas-fuzz: unprivileged caller %s\n",
	       refused == 0 ? "refused" : "NOT refused (or the check failed)");
	return refused == 0 && requests >= total ? 0 : 1;
}
