// SPDX-License-Identifier: GPL-2.0
/*
 * vas-mutate: run one vas group program with one kernel behaviour
 * deliberately falsified, to show that its tests catch it.
 *
 *   vas-mutate [-c CATALOGUE] -m MUTATION -- PROGRAM [ARGS...]
 *   vas-mutate -r 'RULE' [-r 'RULE'...] -- PROGRAM [ARGS...]
 *
 * The rules of the mutation (see mutate/README.md and mutate/catalogue)
 * work below the program, so static binaries are falsified like dynamic
 * ones:
 *
 *   seccomp user notification: a syscall answered without running it
 *   ("fake"), and files of /proc or /sys opened read-only replaced by a
 *   falsified copy handed over with SECCOMP_IOCTL_NOTIF_ADDFD ("file");
 *   everything else goes on with SECCOMP_USER_NOTIF_FLAG_CONTINUE;
 *
 *   ptrace, driven by SECCOMP_RET_TRACE for the named syscalls only:
 *   arguments rewritten on entry ("arg"), errors turned into success on
 *   exit ("errno"), and results the kernel wrote scaled or filled
 *   ("rusage", "mincore");
 *
 *   a personality flag set before exec ("persona"); a file bind-mounted
 *   over a /proc/sys entry in a private mount namespace, which disappears
 *   with the program ("bind"); the helper module loaded with its fault
 *   switch ("kmod", unloaded afterwards).
 *
 * The exit status is the program's (128 + signal when it was killed);
 * 2 for a usage or setup error of this tool.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __aarch64__
#include <asm/ptrace.h>
#endif

#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE	(1UL << 0)
#endif
#ifndef SECCOMP_IOCTL_NOTIF_ADDFD
struct seccomp_notif_addfd {
	__u64 id;
	__u32 flags;
	__u32 srcfd;
	__u32 newfd;
	__u32 newfd_flags;
};
#define SECCOMP_IOCTL_NOTIF_ADDFD	_IOW('!', 3, struct seccomp_notif_addfd)
#endif
#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND		(1UL << 1)
#endif
#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP		128
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP		4
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT			1
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT			4
#endif

#define MAX_RULES	16
#define MAX_CONDS	4
#define MAX_TRACEES	4096

static const char *prog_name = "vas-mutate";

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* ---- names ---- */

struct name_val {
	const char *name;
	long long val;
};

#define SC(n) { #n, SYS_##n }
static const struct name_val syscalls[] = {
	SC(read), SC(write), SC(openat), SC(munmap), SC(mprotect),
	SC(madvise), SC(mlock), SC(munlock), SC(mlockall), SC(munlockall),
	SC(mremap), SC(mincore), SC(getrusage), SC(brk), SC(mbind),
	SC(set_mempolicy), SC(move_pages), SC(personality), SC(kill),
	SC(pread64), SC(pwrite64), SC(prctl), SC(io_uring_register),
#ifdef SYS_open
	SC(open),
#endif
#ifdef SYS_mmap
	SC(mmap),
#endif
#ifdef SYS_mmap2
	SC(mmap2),
#endif
#ifdef SYS_mlock2
	SC(mlock2),
#endif
#ifdef SYS_process_madvise
	SC(process_madvise),
#endif
};

#define NV(n) { #n, n }
static const struct name_val constants[] = {
	NV(MADV_NORMAL), NV(MADV_RANDOM), NV(MADV_SEQUENTIAL),
	NV(MADV_WILLNEED), NV(MADV_DONTNEED), NV(MADV_FREE), NV(MADV_REMOVE),
	NV(MADV_DONTFORK), NV(MADV_DOFORK), NV(MADV_HUGEPAGE),
	NV(MADV_NOHUGEPAGE), NV(MADV_WIPEONFORK), NV(MADV_KEEPONFORK),
	NV(MADV_COLD), NV(MADV_PAGEOUT), NV(MADV_POPULATE_READ),
	NV(MADV_POPULATE_WRITE), NV(MAP_FIXED), NV(MAP_FIXED_NOREPLACE),
	NV(MAP_ANONYMOUS), NV(MAP_SHARED), NV(MAP_PRIVATE),
	NV(MREMAP_MAYMOVE), NV(MREMAP_FIXED), NV(MREMAP_DONTUNMAP),
	NV(MCL_CURRENT), NV(MCL_FUTURE), NV(MCL_ONFAULT), NV(MLOCK_ONFAULT),
	NV(ADDR_NO_RANDOMIZE), NV(PROT_READ), NV(PROT_WRITE), NV(PROT_EXEC),
	NV(RUSAGE_SELF), NV(RUSAGE_CHILDREN),
};

#define EN(n) { #n, n }
static const struct name_val errnos[] = {
	EN(EPERM), EN(ENOENT), EN(EINTR), EN(EIO), EN(E2BIG), EN(EBADF),
	EN(EAGAIN), EN(ENOMEM), EN(EACCES), EN(EFAULT), EN(EBUSY),
	EN(EEXIST), EN(EINVAL), EN(ENOSPC), EN(ENOSYS), EN(EOVERFLOW),
	EN(EOPNOTSUPP), EN(ESRCH), EN(ENODEV), EN(EXDEV),
};

static int lookup(const struct name_val *t, size_t n, const char *name,
		  long long *val)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].name, name)) {
			*val = t[i].val;
			return 0;
		}
	return -1;
}

/* A number, a constant name, or NAME|NAME... */
static long long parse_value(const char *s)
{
	char buf[128], *tok, *save = NULL, *end;
	long long v = 0, one;

	if (strlen(s) >= sizeof(buf))
		die("value too long: %s", s);
	strcpy(buf, s);
	for (tok = strtok_r(buf, "|", &save); tok;
	     tok = strtok_r(NULL, "|", &save)) {
		if (tok[0] == '-' && isalpha((unsigned char)tok[1])) {
			if (lookup(errnos, sizeof(errnos) / sizeof(errnos[0]),
				   tok + 1, &one))
				die("unknown errno '%s'", tok + 1);
			one = -one;
		} else if (lookup(constants,
				  sizeof(constants) / sizeof(constants[0]),
				  tok, &one)) {
			errno = 0;
			one = strtoll(tok, &end, 0);
			if (errno || *end || end == tok)
				die("not a number or known name: '%s'", tok);
		}
		v |= one;
	}
	return v;
}

/* ---- rules ---- */

enum rule_kind {
	R_FAKE,		/* notif: answer without running */
	R_FILE,		/* notif: falsified copy of a file */
	R_ARG,		/* ptrace entry: rewrite an argument */
	R_ERRNO,	/* ptrace exit: an error becomes a result */
	R_RUSAGE,	/* ptrace exit: a getrusage field divided */
	R_MINCORE,	/* ptrace exit: every page reported resident */
	R_PERSONA,	/* personality flag before exec */
	R_BIND,		/* bind mount over a file, private namespace */
	R_KMOD,		/* the module's fault switch */
};

enum cond_op { C_EQ, C_NE, C_LT, C_GT, C_AND, C_ANDEQ };

struct cond {
	int arg;
	enum cond_op op;
	unsigned long long mask, val;
};

/* A result: a constant, or the value of an argument (arg >= 0). */
struct value {
	int arg;
	long long val;
};

enum file_op { F_DROP, F_SET, F_ADD, F_FIELD, F_SWAP };

struct rule {
	enum rule_kind kind;
	long long nr;			/* syscall */
	struct cond conds[MAX_CONDS];
	int nconds;
	struct value ret;		/* fake, errno */
	long long err;			/* errno: which error */
	int arg;			/* arg: which one */
	char field[16];			/* rusage: minflt, majflt */
	long long div;
	char path[PATH_MAX];		/* file glob, bind target */
	enum file_op fop;
	char text[512];			/* drop/set/add key, bind content */
	long long delta;
	int fieldno;
};

static struct rule rules[MAX_RULES];
static int nrules;

static int parse_arg_index(const char *s)
{
	if (strncmp(s, "arg", 3) || s[3] < '0' || s[3] > '5' || s[4])
		return -1;
	return s[3] - '0';
}

static struct value parse_ret(const char *s)
{
	struct value v = { .arg = parse_arg_index(s) };

	if (v.arg < 0)
		v.val = parse_value(s);
	return v;
}

/* "argN=V", "argN!=V", "argN<V", "argN>V", "argN&M", "argN&M=V" */
static void parse_cond(struct rule *r, const char *s)
{
	struct cond *c;
	char buf[128], *op, *rest;

	if (r->nconds >= MAX_CONDS)
		die("too many conditions");
	c = &r->conds[r->nconds++];
	if (strlen(s) >= sizeof(buf))
		die("condition too long: %s", s);
	strcpy(buf, s);
	op = strpbrk(buf, "=!<>&");
	if (!op)
		die("not a condition: %s", s);
	rest = op + 1;
	switch (*op) {
	case '=':
		c->op = C_EQ;
		break;
	case '!':
		if (*rest++ != '=')
			die("not a condition: %s", s);
		c->op = C_NE;
		break;
	case '<':
		c->op = C_LT;
		break;
	case '>':
		c->op = C_GT;
		break;
	default: {
		char *eq = strchr(rest, '=');

		c->op = C_AND;
		if (eq) {
			*eq = '\0';
			c->op = C_ANDEQ;
			c->val = parse_value(eq + 1);
		}
		c->mask = parse_value(rest);
		rest = NULL;
	}
	}
	*op = '\0';
	c->arg = parse_arg_index(buf);
	if (c->arg < 0)
		die("condition on '%s': want arg0..arg5", buf);
	if (rest)
		c->val = parse_value(rest);
}

static long long parse_syscall(const char *name)
{
	long long nr;

	if (lookup(syscalls, sizeof(syscalls) / sizeof(syscalls[0]), name, &nr))
		die("unknown or unsupported syscall '%s'", name);
	return nr;
}

static void parse_rule(const char *line)
{
	char buf[1024], *w[24], *save = NULL, *p;
	struct rule *r;
	int n = 0, i, last;

	if (nrules >= MAX_RULES)
		die("too many rules");
	if (strlen(line) >= sizeof(buf))
		die("rule too long");
	strcpy(buf, line);
	for (p = strtok_r(buf, " \t\n", &save); p && n < 24;
	     p = strtok_r(NULL, " \t\n", &save))
		w[n++] = p;
	if (!n)
		die("empty rule");
	r = &rules[nrules++];
	memset(r, 0, sizeof(*r));
	r->arg = -1;
	if (!strcmp(w[0], "fake") || !strcmp(w[0], "errno") ||
	    !strcmp(w[0], "arg")) {
		/* KIND SYSCALL [COND...] [ERRNO|argN] = VALUE */
		if (n < 4 || strcmp(w[n - 2], "="))
			die("'%s': want %s SYSCALL [COND...] = VALUE", line, w[0]);
		r->nr = parse_syscall(w[1]);
		last = n - 2;
		if (!strcmp(w[0], "fake")) {
			r->kind = R_FAKE;
		} else if (!strcmp(w[0], "errno")) {
			r->kind = R_ERRNO;
			r->err = parse_value(w[--last]);
			if (r->err >= 0)
				die("'%s': errno wants -ENAME", line);
		} else {
			r->kind = R_ARG;
			r->arg = parse_arg_index(w[--last]);
			if (r->arg < 0)
				die("'%s': arg wants argN = VALUE", line);
		}
		for (i = 2; i < last; i++)
			parse_cond(r, w[i]);
		r->ret = parse_ret(w[n - 1]);
	} else if (!strcmp(w[0], "rusage") && n == 3) {
		r->kind = R_RUSAGE;
		r->nr = SYS_getrusage;
		if (strcmp(w[1], "minflt") && strcmp(w[1], "majflt"))
			die("rusage: minflt or majflt");
		strcpy(r->field, w[1]);
		r->div = parse_value(w[2]);
		if (r->div < 1)
			die("rusage: divisor >= 1");
	} else if (!strcmp(w[0], "mincore") && n == 2 &&
		   !strcmp(w[1], "resident")) {
		r->kind = R_MINCORE;
		r->nr = SYS_mincore;
	} else if (!strcmp(w[0], "file") && n >= 3) {
		/* file GLOB drop TEXT | set TEXT... | add KEY DELTA |
		 * field N DELTA | swap
		 */
		const char *rest;

		r->kind = R_FILE;
		snprintf(r->path, sizeof(r->path), "%s", w[1]);
		rest = strstr(line, w[2]) + strlen(w[2]);
		rest += strspn(rest, " \t");
		if (!strcmp(w[2], "drop") && n >= 4) {
			r->fop = F_DROP;
			snprintf(r->text, sizeof(r->text), "%s", rest);
		} else if (!strcmp(w[2], "set") && n >= 4) {
			r->fop = F_SET;
			snprintf(r->text, sizeof(r->text), "%s", rest);
		} else if (!strcmp(w[2], "add") && n == 5) {
			r->fop = F_ADD;
			snprintf(r->text, sizeof(r->text), "%s", w[3]);
			r->delta = parse_value(w[4]);
		} else if (!strcmp(w[2], "field") && n == 5) {
			r->fop = F_FIELD;
			r->fieldno = (int)parse_value(w[3]);
			r->delta = parse_value(w[4]);
		} else if (!strcmp(w[2], "swap") && n == 3) {
			r->fop = F_SWAP;
		} else {
			die("'%s': file GLOB drop TEXT|set TEXT|add KEY N|field N D|swap",
			    line);
		}
		for (i = strlen(r->text); i > 0 && isspace((unsigned char)r->text[i - 1]); i--)
			r->text[i - 1] = '\0';
	} else if (!strcmp(w[0], "persona") && n == 2) {
		r->kind = R_PERSONA;
		r->ret.val = parse_value(w[1]);
	} else if (!strcmp(w[0], "bind") && n >= 3) {
		const char *rest = strstr(line, w[1]) + strlen(w[1]);

		r->kind = R_BIND;
		snprintf(r->path, sizeof(r->path), "%s", w[1]);
		rest += strspn(rest, " \t");
		snprintf(r->text, sizeof(r->text), "%s", rest);
		for (i = strlen(r->text); i > 0 && isspace((unsigned char)r->text[i - 1]); i--)
			r->text[i - 1] = '\0';
	} else if (!strcmp(w[0], "kmod") && n == 2) {
		r->kind = R_KMOD;
		snprintf(r->text, sizeof(r->text), "%s", w[1]);
	} else {
		die("unknown rule '%s'", line);
	}
}

/* The "rule" lines of [MUTATION] in the catalogue. */
static void load_mutation(const char *catalogue, const char *id)
{
	char line[1024], head[256];
	int in = 0, found = 0;
	FILE *f = fopen(catalogue, "r");

	if (!f)
		die("cannot read the catalogue %s: %s", catalogue, strerror(errno));
	snprintf(head, sizeof(head), "[%s]", id);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '[') {
			in = !strcmp(line, head);
			found |= in;
			continue;
		}
		if (in && !strncmp(line, "rule", 4) && isspace((unsigned char)line[4]))
			parse_rule(line + 5 + strspn(line + 5, " \t"));
	}
	fclose(f);
	if (!found)
		die("no mutation [%s] in %s", id, catalogue);
}

/* ---- conditions and values ---- */

static bool cond_ok(const struct rule *r, const unsigned long long *args)
{
	int i;

	for (i = 0; i < r->nconds; i++) {
		const struct cond *c = &r->conds[i];
		unsigned long long a = args[c->arg];
		int ok;

		switch (c->op) {
		case C_EQ:
			ok = a == c->val;
			break;
		case C_NE:
			ok = a != c->val;
			break;
		case C_LT:
			ok = a < c->val;
			break;
		case C_GT:
			ok = a > c->val;
			break;
		case C_AND:
			ok = (a & c->mask) != 0;
			break;
		default:
			ok = (a & c->mask) == c->val;
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

static unsigned long long value_of(const struct value *v,
				   const unsigned long long *args)
{
	return v->arg >= 0 ? args[v->arg] : (unsigned long long)v->val;
}

/* ---- files: the falsified copies ---- */

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			die("out of memory");
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static int read_file(const char *path, struct buf *b)
{
	char tmp[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(b, tmp, n);
	close(fd);
	if (!b->p)
		buf_add(b, "", 0);
	return n < 0 ? -EIO : 0;
}

/* Add delta to the number that starts at s; the rest of the line follows. */
static void add_number(struct buf *out, const char *s, const char *end,
		       long long delta)
{
	char num[32];
	const char *d = s;
	long long v;

	while (d < end && isdigit((unsigned char)*d))
		d++;
	v = strtoll(s, NULL, 10) + delta;
	if (v < 0)
		v = 0;
	snprintf(num, sizeof(num), "%lld", v);
	buf_add(out, num, strlen(num));
	buf_add(out, d, end - d);
}

static void transform_line(const struct rule *r, struct buf *out,
			   const char *line, const char *end, int lineno)
{
	const char *p;

	switch (r->fop) {
	case F_DROP:
		if (memmem(line, end - line, r->text, strlen(r->text)))
			return;
		break;
	case F_ADD: {
		/* The first number after KEY, on lines holding KEY. */
		const char *k = memmem(line, end - line, r->text,
				       strlen(r->text));

		if (k) {
			for (p = k + strlen(r->text);
			     p < end && !isdigit((unsigned char)*p); p++)
				;
			if (p < end) {
				buf_add(out, line, p - line);
				add_number(out, p, end, r->delta);
				return;
			}
		}
		break;
	}
	case F_FIELD: {
		/* Fields of /proc/PID/stat: counted from 3 after "(comm)". */
		const char *paren = NULL;
		int f = 0;

		if (lineno != 1)
			break;
		for (p = line; p < end; p++)
			if (*p == ')')
				paren = p;
		p = line;
		if (paren) {
			p = paren + 1;
			f = 2;
		}
		while (p < end) {
			while (p < end && *p == ' ')
				p++;
			if (p >= end || *p == '\n')
				break;
			if (++f == r->fieldno && isdigit((unsigned char)*p)) {
				buf_add(out, line, p - line);
				add_number(out, p, end, r->delta);
				return;
			}
			while (p < end && *p != ' ' && *p != '\n')
				p++;
		}
		if (!paren && r->fieldno == 1 && isdigit((unsigned char)*line)) {
			add_number(out, line, end, r->delta);
			return;
		}
		break;
	}
	default:
		break;
	}
	buf_add(out, line, end - line);
}

static void transform(const struct rule *r, const struct buf *in,
		      struct buf *out)
{
	const char *line = in->p, *end, *second = NULL;
	int lineno = 0;

	buf_add(out, "", 0);
	if (r->fop == F_SET) {
		buf_add(out, r->text, strlen(r->text));
		buf_add(out, "\n", 1);
		return;
	}
	if (r->fop == F_SWAP) {
		end = strchr(line, '\n');
		if (end)
			second = end + 1;
		if (second && *second) {
			const char *e2 = strchr(second, '\n');

			e2 = e2 ? e2 + 1 : second + strlen(second);
			buf_add(out, second, e2 - second);
			buf_add(out, line, second - line);
			buf_add(out, e2, strlen(e2));
			return;
		}
		buf_add(out, in->p, in->len);
		return;
	}
	while (*line) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		transform_line(r, out, line, end, ++lineno);
		line = end;
	}
}

/* ---- seccomp user notification ---- */

static int listener = -1;
static volatile int children_done;

static ssize_t read_target(pid_t pid, unsigned long long addr, void *dst,
			   size_t len)
{
	struct iovec l = { .iov_base = dst, .iov_len = len };
	struct iovec r = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };

	return process_vm_readv(pid, &l, 1, &r, 1, 0);
}

static int write_target(pid_t pid, unsigned long long addr, const void *src,
			size_t len)
{
	struct iovec l = { .iov_base = (void *)src, .iov_len = len };
	struct iovec r = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };

	return process_vm_writev(pid, &l, 1, &r, 1, 0) == (ssize_t)len ? 0 : -1;
}

/* A path string of the target, read page-safely. */
static int read_path(pid_t pid, unsigned long long addr, char *path,
		     size_t len)
{
	size_t got = 0;

	while (got < len - 1) {
		size_t chunk = 256 - ((addr + got) & 255);
		ssize_t n;

		if (chunk > len - 1 - got)
			chunk = len - 1 - got;
		n = read_target(pid, addr + got, path + got, chunk);
		if (n <= 0)
			return -1;
		if (memchr(path + got, '\0', n))
			return 0;
		got += n;
	}
	return -1;
}

static pid_t tgid_of(pid_t tid)
{
	char path[64], line[256];
	pid_t tgid = tid;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return tid;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

/* /proc/self and /proc/thread-self as the target sees them. */
static void normalize(pid_t tid, const char *in, char *out, size_t len)
{
	if (!strncmp(in, "/proc/self/", 11) || !strcmp(in, "/proc/self"))
		snprintf(out, len, "/proc/%d%s", (int)tgid_of(tid), in + 10);
	else if (!strncmp(in, "/proc/thread-self/", 18))
		snprintf(out, len, "/proc/%d/task/%d%s", (int)tgid_of(tid),
			 (int)tid, in + 17);
	else
		snprintf(out, len, "%s", in);
}

static void notif_send(struct seccomp_notif_resp *resp)
{
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) && errno != ENOENT)
		fprintf(stderr, "%s: NOTIF_SEND: %s\n", prog_name, strerror(errno));
}

/* openat/open of a falsified file: hand a memfd with the copy. */
static bool notif_file(const struct seccomp_notif *req,
		       struct seccomp_notif_resp *resp)
{
	unsigned long long pathp, flags;
	char path[PATH_MAX], norm[PATH_MAX];
	struct buf in = { 0 }, out = { 0 };
	struct seccomp_notif_addfd add = { 0 };
	int i, fd, ret;

	if (req->data.nr == SYS_openat) {
		pathp = req->data.args[1];
		flags = req->data.args[2];
	} else {
		pathp = req->data.args[0];
		flags = req->data.args[1];
	}
	if ((flags & O_ACCMODE) != O_RDONLY || read_path(req->pid, pathp, path, sizeof(path)))
		return false;
	if (path[0] != '/')
		return false;
	normalize(req->pid, path, norm, sizeof(norm));
	for (i = 0; i < nrules; i++) {
		if (rules[i].kind != R_FILE || fnmatch(rules[i].path, norm, 0))
			continue;
		if (read_file(norm, &in))
			return false;
		transform(&rules[i], &in, &out);
		free(in.p);
		fd = memfd_create("vas-mutate", MFD_CLOEXEC);
		if (fd < 0 || write(fd, out.p, out.len) != (ssize_t)out.len) {
			free(out.p);
			if (fd >= 0)
				close(fd);
			return false;
		}
		free(out.p);
		lseek(fd, 0, SEEK_SET);
		/* The request must still be alive: the path was its. */
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id)) {
			close(fd);
			return true;
		}
		add.id = req->id;
		add.srcfd = fd;
		add.newfd_flags = (flags & O_CLOEXEC) ? O_CLOEXEC : 0;
		add.flags = SECCOMP_ADDFD_FLAG_SEND;
		ret = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
		if (ret < 0 && errno == EINVAL) {
			/* Before 5.14: add, then answer with the number. */
			add.flags = 0;
			ret = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
			if (ret >= 0) {
				resp->val = ret;
				resp->error = 0;
				resp->flags = 0;
				notif_send(resp);
			}
		}
		close(fd);
		if (ret < 0) {
			resp->error = -EIO;
			notif_send(resp);
		}
		return true;
	}
	return false;
}

static void *notif_loop(void *arg __attribute__((unused)))
{
	struct seccomp_notif *req = calloc(1, sizeof(*req) + 256);
	struct seccomp_notif_resp *resp = calloc(1, sizeof(*resp) + 256);
	struct pollfd pfd = { .fd = listener, .events = POLLIN };
	int idle = 0, i;

	if (!req || !resp)
		die("out of memory");
	for (;;) {
		int n = poll(&pfd, 1, 100);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
			break;
		if (n == 0) {
			/* Every task of the filter gone, or 10 s after the program. */
			if (children_done && ++idle > 100)
				break;
			continue;
		}
		memset(req, 0, sizeof(*req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req))
			continue;
		memset(resp, 0, sizeof(*resp));
		resp->id = req->id;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if ((req->data.nr == SYS_openat
#ifdef SYS_open
		     || req->data.nr == SYS_open
#endif
		    ) && notif_file(req, resp))
			continue;
		for (i = 0; i < nrules; i++) {
			const struct rule *r = &rules[i];
			long long v;

			if (r->kind != R_FAKE || r->nr != req->data.nr ||
			    !cond_ok(r, req->data.args))
				continue;
			v = (long long)value_of(&r->ret, req->data.args);
			resp->flags = 0;
			if (v < 0 && v >= -4095)
				resp->error = (int)v;
			else
				resp->val = v;
			break;
		}
		notif_send(resp);
	}
	free(req);
	free(resp);
	return NULL;
}

/* ---- ptrace ---- */

struct regs {
#if defined(__x86_64__) || defined(__i386__)
	struct user_regs_struct r;
#elif defined(__aarch64__)
	struct user_pt_regs r;
#elif defined(__arm__)
	struct user_regs r;
#endif
};

#if defined(__x86_64__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_X86_64
#define REG_RET(x) ((x).r.rax)
static unsigned long long *reg_arg(struct regs *x, int i)
{
	unsigned long long *a[] = { &x->r.rdi, &x->r.rsi, &x->r.rdx,
				    &x->r.r10, &x->r.r8, &x->r.r9 };
	return a[i];
}
#define REG_T unsigned long long
#elif defined(__i386__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_I386
#define REG_RET(x) ((x).r.eax)
#define REG_T long
static long *reg_arg(struct regs *x, int i)
{
	long *a[] = { &x->r.ebx, &x->r.ecx, &x->r.edx, &x->r.esi, &x->r.edi,
		      &x->r.ebp };
	return a[i];
}
#elif defined(__aarch64__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_AARCH64
#define REG_RET(x) ((x).r.regs[0])
#define REG_T __u64
static __u64 *reg_arg(struct regs *x, int i)
{
	return &x->r.regs[i];
}
#elif defined(__arm__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_ARM
#define REG_RET(x) ((x).r.uregs[0])
#define REG_T unsigned long
static unsigned long *reg_arg(struct regs *x, int i)
{
	return (unsigned long *)&x->r.uregs[i];
}
#else
#error "vas-mutate: unsupported architecture"
#endif

static int get_regs(pid_t tid, struct regs *x)
{
	struct iovec io = { .iov_base = &x->r, .iov_len = sizeof(x->r) };

	return ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &io) ? -1 : 0;
}

static int set_regs(pid_t tid, struct regs *x)
{
	struct iovec io = { .iov_base = &x->r, .iov_len = sizeof(x->r) };

	return ptrace(PTRACE_SETREGSET, tid, (void *)NT_PRSTATUS, &io) ? -1 : 0;
}

/* A tracee between the seccomp stop and its syscall's exit. */
struct tracee {
	pid_t tid;
	int rule;			/* rule waiting for the exit, or -1 */
	unsigned long long args[6];
};

static struct tracee tracees[MAX_TRACEES];

static struct tracee *tracee(pid_t tid, bool make)
{
	int i, free_slot = -1;

	for (i = 0; i < MAX_TRACEES; i++) {
		if (tracees[i].tid == tid)
			return &tracees[i];
		if (!tracees[i].tid && free_slot < 0)
			free_slot = i;
	}
	if (!make || free_slot < 0)
		return NULL;
	tracees[free_slot].tid = tid;
	tracees[free_slot].rule = -1;
	return &tracees[free_slot];
}

/* The seccomp stop: rewrite arguments, or arm an exit rule. */
static bool trace_entry(pid_t tid)
{
	struct tracee *t = tracee(tid, true);
	struct regs x;
	bool changed = false;
	long nr;
	int i, a;

	if (!t || get_regs(tid, &x))
		return false;
	nr = -1;
	ptrace(PTRACE_GETEVENTMSG, tid, NULL, &nr);	/* the filter's data */
	for (a = 0; a < 6; a++)
		t->args[a] = (unsigned long)*reg_arg(&x, a);
	t->rule = -1;
	for (i = 0; i < nrules; i++) {
		struct rule *r = &rules[i];

		if (r->nr != (nr & 0xffff) || !cond_ok(r, t->args))
			continue;
		if (r->kind == R_ARG) {
			*reg_arg(&x, r->arg) = (REG_T)value_of(&r->ret, t->args);
			changed = true;
		} else if (r->kind == R_ERRNO || r->kind == R_RUSAGE ||
			   r->kind == R_MINCORE) {
			t->rule = i;
		}
	}
	if (changed)
		set_regs(tid, &x);
	return t->rule >= 0;
}

static void trace_exit(pid_t tid)
{
	struct tracee *t = tracee(tid, false);
	struct rule *r;
	struct regs x;
	long long ret;

	if (!t || t->rule < 0 || get_regs(tid, &x))
		return;
	r = &rules[t->rule];
	t->rule = -1;
	ret = (long long)(long)REG_RET(x);
	if (r->kind == R_ERRNO && ret == r->err) {
		REG_RET(x) = (REG_T)value_of(&r->ret, t->args);
		set_regs(tid, &x);
	} else if (r->kind == R_RUSAGE && ret == 0) {
		struct rusage ru;
		unsigned long long at = t->args[1];

		if (read_target(tid, at, &ru, sizeof(ru)) != sizeof(ru))
			return;
		if (!strcmp(r->field, "minflt"))
			ru.ru_minflt /= r->div;
		else
			ru.ru_majflt /= r->div;
		write_target(tid, at, &ru, sizeof(ru));
	} else if (r->kind == R_MINCORE && ret == 0) {
		long ps = sysconf(_SC_PAGESIZE);
		size_t n = (t->args[1] + ps - 1) / ps;
		char *vec = malloc(n ? n : 1);

		if (!vec)
			return;
		memset(vec, 1, n);
		write_target(tid, t->args[2], vec, n);
		free(vec);
	}
}

/* Runs the tracees until the program's main process ends; its status. */
static int trace_loop(pid_t main_pid)
{
	int status, main_status = 0;
	pid_t tid;

	for (;;) {
		int sig = 0, event;

		tid = waitpid(-1, &status, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			struct tracee *t = tracee(tid, false);

			if (t)
				t->tid = 0;
			if (tid == main_pid) {
				main_status = status;
				break;
			}
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		event = status >> 16;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			trace_exit(tid);
		} else if (event == PTRACE_EVENT_SECCOMP) {
			if (trace_entry(tid)) {
				ptrace(PTRACE_SYSCALL, tid, NULL, NULL);
				continue;
			}
		} else if (event == PTRACE_EVENT_STOP) {
			int s = WSTOPSIG(status);

			if (s == SIGSTOP || s == SIGTSTP || s == SIGTTIN ||
			    s == SIGTTOU) {
				/* A group stop: stay stopped, see SIGCONT. */
				ptrace(PTRACE_LISTEN, tid, NULL, NULL);
				continue;
			}
		} else if (event) {
			/* fork, vfork, clone, exec: nothing to do. */
		} else {
			sig = WSTOPSIG(status);
		}
		ptrace(PTRACE_CONT, tid, NULL, (void *)(long)sig);
	}
	return main_status;
}

/* ---- the program's start ---- */

static void send_fd(int sock, int fd)
{
	char c = 'L', ctl[CMSG_SPACE(sizeof(int))];
	struct iovec io = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1,
			    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &m, 0) != 1)
		_exit(126);
}

static int recv_fd(int sock)
{
	char c, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec io = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1,
			    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &m, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static bool has_kind(enum rule_kind k)
{
	int i;

	for (i = 0; i < nrules; i++)
		if (rules[i].kind == k)
			return true;
	return false;
}

static bool is_notif(const struct rule *r)
{
	return r->kind == R_FAKE || r->kind == R_FILE;
}

static bool is_traced(const struct rule *r)
{
	return r->kind == R_ARG || r->kind == R_ERRNO ||
	       r->kind == R_RUSAGE || r->kind == R_MINCORE;
}

/* The filter: every rule's syscall to the notifier or the tracer. */
static int install_filter(bool want_listener)
{
	struct sock_filter f[2 * MAX_RULES + 16];
	struct sock_fprog prog = { .filter = f };
	int n = 0, i;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		AUDIT_ARCH_SELF, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		offsetof(struct seccomp_data, nr));
	for (i = 0; i < nrules; i++) {
		const struct rule *r = &rules[i];
		unsigned int action;

		if (is_notif(r))
			action = SECCOMP_RET_USER_NOTIF;
		else if (is_traced(r))
			action = SECCOMP_RET_TRACE | (unsigned int)r->nr;
		else
			continue;
		if (r->kind == R_FILE) {
#ifdef SYS_open
			f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
				SYS_open, 0, 1);
			f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, action);
#endif
			f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
				SYS_openat, 0, 1);
		} else {
			f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
				(unsigned int)r->nr, 0, 1);
		}
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, action);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = n;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		       want_listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0, &prog);
}

/* In the child: a private mount namespace with each bind rule's file. */
static void apply_binds(void)
{
	int i;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		fprintf(stderr, "%s: private mount namespace: %s\n", prog_name,
			strerror(errno));
		_exit(126);
	}
	for (i = 0; i < nrules; i++) {
		char tmp[] = "/tmp/vas-mutate-XXXXXX";
		struct rule *r = &rules[i];
		int fd;

		if (r->kind != R_BIND)
			continue;
		fd = mkstemp(tmp);
		if (fd < 0 || dprintf(fd, "%s\n", r->text) < 0 ||
		    mount(tmp, r->path, NULL, MS_BIND, NULL)) {
			fprintf(stderr, "%s: bind over %s: %s\n", prog_name,
				r->path, strerror(errno));
			_exit(126);
		}
		close(fd);
		unlink(tmp);
	}
}

static void child_main(int go, int sock, char **argv)
{
	char c;
	int fd, i;

	if (read(go, &c, 1) != 1)
		_exit(126);
	close(go);
	if (has_kind(R_BIND))
		apply_binds();
	for (i = 0; i < nrules; i++)
		if (rules[i].kind == R_PERSONA &&
		    personality(personality(0xffffffff) | rules[i].ret.val) == -1)
			_exit(126);
	for (i = 0; i < nrules; i++)
		if (is_notif(&rules[i]) || is_traced(&rules[i]))
			break;
	if (i < nrules) {
		bool notif = false;

		for (i = 0; i < nrules; i++)
			notif |= is_notif(&rules[i]);
		/* Without CAP_SYS_ADMIN a filter needs no_new_privs. */
		if (geteuid())
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		fd = install_filter(notif);
		if (fd < 0) {
			fprintf(stderr, "%s: seccomp filter: %s\n", prog_name,
				strerror(errno));
			_exit(126);
		}
		if (notif) {
			send_fd(sock, fd);
			close(fd);
		}
	}
	close(sock);
	execvp(argv[0], argv);
	fprintf(stderr, "%s: exec %s: %s\n", prog_name, argv[0], strerror(errno));
	_exit(127);
}

/* ---- the module's fault switch ---- */

static bool kmod_loaded(void)
{
	return access("/sys/module/vas_probe", F_OK) == 0;
}

static void kmod_load(const char *prog, const char *fault)
{
	char path[PATH_MAX], params[128];
	const char *env = getenv("VAS_KMOD");
	int fd;

	if (kmod_loaded())
		die("vas_probe is loaded already: 'rmmod vas_probe' first");
	if (env && *env) {
		snprintf(path, sizeof(path), "%s", env);
	} else {
		const char *slash = strrchr(prog, '/');

		snprintf(path, sizeof(path), "%.*svas_probe.ko",
			 slash ? (int)(slash - prog + 1) : 0, prog);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("kmod rule: cannot open %s: %s (set VAS_KMOD)", path,
		    strerror(errno));
	snprintf(params, sizeof(params), "fault=%s", fault);
	if (syscall(SYS_finit_module, fd, params, 0))
		die("kmod rule: loading %s with %s: %s", path, params,
		    strerror(errno));
	close(fd);
}

static void kmod_unload(void)
{
	int i;

	for (i = 0; i < 50 && kmod_loaded(); i++) {
		if (!syscall(SYS_delete_module, "vas_probe", O_NONBLOCK))
			return;
		usleep(100000);
	}
	if (kmod_loaded())
		fprintf(stderr, "%s: vas_probe is still loaded: rmmod vas_probe\n",
			prog_name);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: %s [-c CATALOGUE] -m MUTATION -- PROGRAM [ARGS...]\n"
		"       %s -r 'RULE' [-r 'RULE'...] -- PROGRAM [ARGS...]\n"
		"rules: fake SYSCALL [COND...] = VALUE | errno SYSCALL [COND...] -ENAME = VALUE\n"
		"       arg SYSCALL [COND...] argN = VALUE | rusage minflt|majflt DIV\n"
		"       mincore resident | file GLOB drop TEXT|set TEXT|add KEY N|field N D|swap\n"
		"       persona FLAG | bind PATH TEXT | kmod FAULT\n",
		prog_name, prog_name);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *catalogue = NULL, *id = NULL, *fault = NULL;
	int go[2], sock[2], status = 0, i, opt;
	pthread_t thread;
	bool notif = false, traced = false;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+c:m:r:h")) != -1) {
		switch (opt) {
		case 'c':
			catalogue = optarg;
			break;
		case 'm':
			id = optarg;
			break;
		case 'r':
			parse_rule(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	if (id)
		load_mutation(catalogue ? catalogue : "catalogue", id);
	if (!nrules)
		die("no rules: give -m MUTATION or -r RULE");
	for (i = 0; i < nrules; i++) {
		notif |= is_notif(&rules[i]);
		traced |= is_traced(&rules[i]);
		if (rules[i].kind == R_KMOD)
			fault = rules[i].text;
	}
	if (fault)
		kmod_load(argv[optind], fault);
	if (pipe(go) || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock))
		die("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(go[1]);
		close(sock[0]);
		child_main(go[0], sock[1], argv + optind);
	}
	close(go[0]);
	close(sock[1]);
	if (traced && ptrace(PTRACE_SEIZE, pid, NULL,
			     (void *)(long)(PTRACE_O_TRACESECCOMP |
					    PTRACE_O_TRACEFORK |
					    PTRACE_O_TRACEVFORK |
					    PTRACE_O_TRACECLONE |
					    PTRACE_O_TRACEEXEC |
					    PTRACE_O_TRACESYSGOOD))) {
		kill(pid, SIGKILL);
		die("ptrace: %s", strerror(errno));
	}
	if (write(go[1], "g", 1) != 1)
		die("cannot start the program");
	close(go[1]);
	if (notif) {
		listener = recv_fd(sock[0]);
		if (listener < 0) {
			waitpid(pid, &status, 0);
			die("the program did not start under the filter");
		}
		if (pthread_create(&thread, NULL, notif_loop, NULL))
			die("thread: %s", strerror(errno));
	}
	close(sock[0]);
	if (traced) {
		status = trace_loop(pid);
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	children_done = 1;
	if (notif)
		pthread_join(thread, NULL);
	if (fault)
		kmod_unload();
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
