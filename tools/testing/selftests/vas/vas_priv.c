// SPDX-License-Identifier: GPL-2.0
/*
 * Capabilities and running code in children, privileged or not.
 * The capability syscalls are used directly so that the tests link
 * nothing beyond libc.
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "vas_lib.h"

#define VAS_NOBODY	65534

bool vas_has_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	if (cap < 0 || cap > 63 ||
	    syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1U << (cap % 32));
}

bool vas_is_root(void)
{
	return geteuid() == 0 && vas_has_cap(CAP_SYS_ADMIN);
}

int vas_wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

static int drop_privileges(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };
	gid_t gid = VAS_NOBODY;

	if (getuid() == 0 || geteuid() == 0) {
		if (setgroups(0, NULL) && setgroups(1, &gid))
			return -errno;
		if (setresgid(VAS_NOBODY, VAS_NOBODY, VAS_NOBODY) ||
		    setresuid(VAS_NOBODY, VAS_NOBODY, VAS_NOBODY))
			return -errno;
	}
	/* A non-root caller may still hold capabilities (file caps). */
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	return 0;
}

static int run(int (*fn)(void *arg), void *arg, bool drop)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (drop && drop_privileges())
			_exit(125);
		_exit(fn(arg) & 0xff);
	}
	return vas_wait_child(pid);
}

int vas_run_unprivileged(int (*fn)(void *arg), void *arg)
{
	return run(fn, arg, true);
}

int vas_run_child(int (*fn)(void *arg), void *arg)
{
	return run(fn, arg, false);
}
