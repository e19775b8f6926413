// SPDX-License-Identifier: GPL-2.0
/*
 * Fresh-exec probes: some facts (the mmap layout, randomization, the
 * address limit of a personality) are fixed at exec time, so a test
 * re-executes its own program in probe mode and reads what it prints.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/personality.h>
#include <sys/wait.h>

#include "vas_lib.h"

int vas_exec_probe(char *out, size_t len, long persona,
		   const char *const argv[])
{
	const char *args[16] = { "vas-probe", "--probe" };
	size_t used = 0, i;
	int fds[2];
	ssize_t got;
	pid_t pid;

	for (i = 0; argv && argv[i] && i + 3 < 16; i++)
		args[i + 2] = argv[i];
	if (!len || pipe(fds))
		return -errno ?: -EINVAL;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		if (persona != -1 && personality((unsigned long)persona) == -1)
			_exit(126);
		execv("/proc/self/exe", (char *const *)args);
		_exit(127);
	}
	close(fds[1]);
	while (used < len - 1) {
		got = read(fds[0], out + used, len - 1 - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		used += got;
	}
	out[used] = '\0';
	close(fds[0]);
	return vas_wait_child(pid);
}
