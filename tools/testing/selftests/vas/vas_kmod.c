// SPDX-License-Identifier: GPL-2.0
/*
 * The vas_probe module's client: find, load, open, ask, unload.
 *
 * The kselftest harness runs each test in a forked child that leaves with
 * _exit(), so the first test to need the module loads it, and the main
 * process unloads it at exit (a destructor), when the module's "owner"
 * parameter names that process: the loader passes the main process's pid
 * (recorded by a constructor before any test forks). A run killed before
 * its destructor leaves the unload to a detached unloader process.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "vas_lib.h"
#include "vas_kmod.h"

#define SYS_MODULE_DIR	"/sys/module/" VAS_PROBE_NAME
#define OWNER_PARAM	SYS_MODULE_DIR "/parameters/owner"
#define MISC_DEV_FILE	"/sys/class/misc/" VAS_PROBE_NAME "/dev"

static int kmod_fd = -1;
static pid_t kmod_main_pid;		/* the program's main process */
static char kmod_detail[PATH_MAX + 128];

__attribute__((constructor)) static void vas_kmod_init(void)
{
	kmod_main_pid = getpid();
}

static void detail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(kmod_detail, sizeof(kmod_detail), fmt, ap);
	va_end(ap);
}

const char *vas_kmod_arch_name(uint32_t arch)
{
	switch (arch) {
	case VAS_PROBE_ARCH_X86_64:
		return "x86_64";
	case VAS_PROBE_ARCH_X86_32:
		return "i386";
	case VAS_PROBE_ARCH_ARM64:
		return "arm64";
	case VAS_PROBE_ARCH_ARM:
		return "arm";
	default:
		return "other";
	}
}

/* The pid the loaded module names as its owner; 0 when none. */
static long module_owner(void)
{
	char buf[32];

	if (vas_read_file(OWNER_PARAM, buf, sizeof(buf)) <= 0)
		return 0;
	return strtol(buf, NULL, 10);
}

int vas_kmod_loaded_here(void)
{
	return kmod_main_pid && module_owner() == kmod_main_pid;
}

/*
 * Without devtmpfs the node may be missing although the module is there:
 * make a private one from the misc device number and open that.
 */
static int open_via_mknod(void)
{
	char buf[32], path[64];
	unsigned int maj, min;
	int fd, err;

	if (vas_read_file(MISC_DEV_FILE, buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "%u:%u", &maj, &min) != 2)
		return -ENOENT;
	snprintf(path, sizeof(path), "/tmp/.vas_probe.%d", (int)getpid());
	unlink(path);
	if (mknod(path, S_IFCHR | 0600, makedev(maj, min)))
		return -errno;
	fd = open(path, O_RDWR | O_CLOEXEC);
	err = errno;
	unlink(path);
	return fd >= 0 ? fd : -err;
}

static int open_device(void)
{
	int fd = open(VAS_PROBE_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return -errno;
	return open_via_mknod();
}

/* The module file: $VAS_KMOD, else vas_probe.ko beside the program. */
static int find_ko(char *path, size_t len)
{
	const char *env = getenv(VAS_KMOD_ENV);
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env && *env) {
		if ((size_t)snprintf(path, len, "%s", env) >= len)
			return -ENAMETOOLONG;
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n <= 0)
			return -errno;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		if ((size_t)snprintf(path, len, "%s/%s.ko", exe,
				     VAS_PROBE_NAME) >= len)
			return -ENAMETOOLONG;
	}
	return access(path, R_OK) ? -errno : 0;
}

/* Wait until the main process has exited (it may stay a zombie). */
static void wait_main_exit(pid_t pid)
{
	int fd = -1;

#ifdef SYS_pidfd_open
	fd = syscall(SYS_pidfd_open, pid, 0);
#endif
	if (fd >= 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
			;
		close(fd);
		return;
	}
	/* Before 5.3: no pidfd, so look every tenth of a second. */
	while (!kill(pid, 0) || errno == EPERM)
		usleep(100000);
}

/*
 * A run killed before its destructor (SIGKILL, a timeout, a kill of the
 * runner's session) must not leave the module loaded: a detached process
 * waits for the main process to end and then unloads the module if that
 * run still owns it. After a normal exit the destructor has unloaded it
 * already and the unloader finds nothing to do. Started from a test's
 * child, it is forked twice so no wait() of the test ever waits for it.
 */
static void start_unloader(void)
{
	pid_t mid = fork(), owner = kmod_main_pid;
	int tries;

	if (mid < 0) {
		perror("# vas_probe: no unloader");
		return;
	}
	if (mid > 0) {
		waitpid(mid, NULL, 0);
		return;
	}
	if (fork())
		_exit(0);
	vas_guard_detach(-1);
	wait_main_exit(owner);
	/* The run's other processes may hold the device open a moment longer. */
	for (tries = 0; tries < 100 && module_owner() == owner; tries++) {
		if (!syscall(SYS_delete_module, VAS_PROBE_NAME, O_NONBLOCK))
			break;
		usleep(100000);
	}
	_exit(0);
}

static int load_module(const char **reason)
{
	char path[PATH_MAX], params[32];
	int fd, ret;

	if (access("/proc/modules", F_OK)) {
		detail("no /proc/modules: kernel without CONFIG_MODULES");
		*reason = VAS_SKIP_KMOD_NOMOD;
		return -EOPNOTSUPP;
	}
	ret = find_ko(path, sizeof(path));
	if (ret) {
		detail("%s: %s", path, strerror(-ret));
		*reason = VAS_SKIP_KMOD_NOKO;
		return ret;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		detail("open %s: %s", path, strerror(errno));
		*reason = VAS_SKIP_KMOD_NOKO;
		return ret;
	}
	snprintf(params, sizeof(params), "owner=%d", (int)kmod_main_pid);
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	if (!ret)
		start_unloader();
	if (ret == -EEXIST)	/* loaded meanwhile, by someone else */
		return 0;
	if (ret == -ENOSYS) {	/* the syscall itself is missing */
		detail("finit_module: %s", strerror(-ret));
		*reason = VAS_SKIP_KMOD_NOMOD;
	} else if (ret) {
		detail("finit_module(%s): %s", path, strerror(-ret));
		*reason = VAS_SKIP_KMOD_LOAD;
	}
	return ret;
}

static int check_abi(int fd, const char **reason)
{
	struct vas_probe_info info;
	int ret = vas_kmod_info(fd, &info);

	if (ret) {
		detail("VAS_PROBE_IOC_INFO: %s", strerror(-ret));
		*reason = VAS_SKIP_KMOD_ABI;
		return ret;
	}
	if (info.abi != VAS_PROBE_ABI) {
		detail("module ABI %u, tests ABI %u", info.abi, VAS_PROBE_ABI);
		*reason = VAS_SKIP_KMOD_ABI;
		return -EPROTO;
	}
	return 0;
}

static int kmod_open(const char **reason)
{
	int fd, ret;

	fd = open_device();
	if (fd < 0 && (fd == -EACCES || fd == -EPERM || !vas_is_root() ||
		       !vas_has_cap(CAP_SYS_MODULE))) {
		detail("%s: %s", VAS_PROBE_DEVICE, strerror(-fd));
		*reason = VAS_SKIP_KMOD_ROOT;
		return fd == -ENOENT ? -EPERM : fd;
	}
	if (fd < 0 && access(SYS_MODULE_DIR, F_OK)) {
		ret = load_module(reason);
		if (ret)
			return ret;
		fd = open_device();
	}
	if (fd < 0) {
		detail("%s: %s", VAS_PROBE_DEVICE, strerror(-fd));
		*reason = VAS_SKIP_KMOD_NODEV;
		return fd;
	}
	ret = check_abi(fd, reason);
	if (ret) {
		close(fd);
		return ret;
	}
	kmod_fd = fd;
	return fd;
}

int vas_kmod_open(const char **reason)
{
	const char *dummy;
	int fd;

	if (!reason)
		reason = &dummy;
	*reason = NULL;
	if (kmod_fd >= 0)
		return kmod_fd;
	kmod_detail[0] = '\0';
	fd = kmod_open(reason);
	/* The fixed reason is the SKIP's; what happened goes to the log. */
	if (fd < 0 && kmod_detail[0])
		fprintf(stderr, "# vas_probe: %s\n", kmod_detail);
	return fd;
}

/* The main process unloads a module its run loaded; children never do. */
__attribute__((destructor)) static void vas_kmod_fini(void)
{
	if (!kmod_main_pid || getpid() != kmod_main_pid ||
	    module_owner() != kmod_main_pid)
		return;
	if (kmod_fd >= 0) {
		close(kmod_fd);
		kmod_fd = -1;
	}
	if (syscall(SYS_delete_module, VAS_PROBE_NAME, O_NONBLOCK))
		fprintf(stderr, "# %s: unloading failed: %s\n",
			VAS_PROBE_NAME, strerror(errno));
}

/* ---- ioctls ---- */

static int do_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* A zeroed request whose size field (the first) says how big it is. */
static void *prepare(void *req, uint32_t size)
{
	memset(req, 0, size);
	memcpy(req, &size, sizeof(size));
	return req;
}

int vas_kmod_info(int fd, struct vas_probe_info *info)
{
	prepare(info, sizeof(*info));
	return do_ioctl(fd, VAS_PROBE_IOC_INFO, info);
}

int vas_kmod_layout(int fd, struct vas_probe_layout *l)
{
	prepare(l, sizeof(*l));
	return do_ioctl(fd, VAS_PROBE_IOC_LAYOUT, l);
}

int vas_kmod_addrs(int fd, struct vas_probe_addrs *a)
{
	prepare(a, sizeof(*a));
	return do_ioctl(fd, VAS_PROBE_IOC_ADDRS, a);
}

int vas_kmod_walk(int fd, uint64_t addr, size_t nr_pages,
		  struct vas_probe_pte *out)
{
	struct vas_probe_walk w;

	prepare(&w, sizeof(w));
	w.addr = addr;
	w.nr_pages = nr_pages;
	w.entries = (uintptr_t)out;
	w.entry_size = sizeof(*out);
	return do_ioctl(fd, VAS_PROBE_IOC_WALK, &w);
}

int vas_kmod_vma(int fd, uint64_t addr, struct vas_probe_vma *v)
{
	prepare(v, sizeof(*v));
	v->addr = addr;
	return do_ioctl(fd, VAS_PROBE_IOC_VMA, v);
}

int vas_kmod_mm(int fd, struct vas_probe_mm *m)
{
	prepare(m, sizeof(*m));
	return do_ioctl(fd, VAS_PROBE_IOC_MM, m);
}

static int list(int fd, unsigned long cmd, void *entries, size_t entry_size,
		unsigned int cap)
{
	struct vas_probe_list l;
	int ret;

	prepare(&l, sizeof(l));
	l.entries = (uintptr_t)entries;
	l.entry_size = entry_size;
	l.capacity = cap;
	ret = do_ioctl(fd, cmd, &l);
	return ret ? ret : (int)l.count;
}

int vas_kmod_nodes(int fd, struct vas_probe_node *nodes, unsigned int cap)
{
	return list(fd, VAS_PROBE_IOC_NODES, nodes, sizeof(*nodes), cap);
}

int vas_kmod_zones(int fd, struct vas_probe_zone *zones, unsigned int cap)
{
	return list(fd, VAS_PROBE_IOC_ZONES, zones, sizeof(*zones), cap);
}

int vas_kmod_kstack(int fd, struct vas_probe_kstack *k)
{
	prepare(k, sizeof(*k));
	return do_ioctl(fd, VAS_PROBE_IOC_KSTACK, k);
}
