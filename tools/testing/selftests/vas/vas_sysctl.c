// SPDX-License-Identifier: GPL-2.0
/*
 * Sysctl access, and changes that are undone whatever happens to the
 * test: each guarded sysctl gets a restorer process in its own session
 * that waits on a pipe. The test holds the write end; when the test
 * exits or is killed (SIGKILL included, and a kill of its process group)
 * the pipe closes and the restorer writes the saved value back. A normal
 * restore tells the restorer to stand down. The saved value is also
 * recorded in $VAS_STATE_DIR for run_tests.sh, the last line of defence.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "vas_lib.h"

#define MAX_GUARDS	8

struct sysctl_guard {
	char name[128];
	char saved[256];
	int fd;			/* write end of the restorer's pipe */
	pid_t restorer;
};

static struct sysctl_guard guards[MAX_GUARDS];

static void sysctl_path(const char *name, char *path, size_t len)
{
	char *p;

	if (name[0] == '/') {
		snprintf(path, len, "%s", name);
		return;
	}
	snprintf(path, len, "/proc/sys/%s", name);
	for (p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
}

int vas_sysctl_read(const char *name, char *val, size_t len)
{
	char path[256];
	ssize_t got;

	sysctl_path(name, path, sizeof(path));
	got = vas_read_file(path, val, len);
	if (got < 0)
		return (int)got;
	val[strcspn(val, "\n")] = '\0';
	return 0;
}

int vas_sysctl_read_ul(const char *name, unsigned long *val)
{
	char buf[64], *end;
	int ret = vas_sysctl_read(name, buf, sizeof(buf));

	if (ret)
		return ret;
	errno = 0;
	*val = strtoul(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

int vas_sysctl_write(const char *name, const char *val)
{
	char path[256];

	sysctl_path(name, path, sizeof(path));
	return vas_write_file(path, val);
}

/* The runner's record of the value to restore, one file per sysctl. */
static void state_path(const char *name, char *path, size_t len)
{
	const char *dir = getenv("VAS_STATE_DIR");
	char *p;
	size_t off;

	if (!dir || !*dir) {
		path[0] = '\0';
		return;
	}
	snprintf(path, len, "%s/sysctl.", dir);
	off = strlen(path);
	snprintf(path + off, len - off, "%s", name);
	for (p = path + off; *p; p++)
		if (*p == '/')
			*p = '.';
}

static void record_saved(const struct sysctl_guard *g)
{
	char path[512];
	int fd;

	state_path(g->name, path, sizeof(path));
	if (!path[0])
		return;
	/* The first record wins: it holds the value before the suite. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, g->saved, strlen(g->saved)) < 0)
		unlink(path);
	close(fd);
}

static void forget_saved(const struct sysctl_guard *g)
{
	char path[512];

	state_path(g->name, path, sizeof(path));
	if (path[0])
		unlink(path);
}

int vas_global_lock(void)
{
	static const char *const paths[] = {
		"/run/lock/vas-global.lock", "/tmp/vas-global.lock",
	};
	mode_t old = umask(0);
	unsigned int i;
	int fd = -1;

	for (i = 0; i < ARRAY_SIZE(paths) && fd < 0; i++)
		fd = open(paths[i], O_RDONLY | O_CREAT | O_CLOEXEC, 0666);
	umask(old);
	if (fd >= 0 && flock(fd, LOCK_EX)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

void vas_global_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

void vas_guard_detach(int keep)
{
	int fd = open("/dev/null", O_RDWR);
	struct dirent *e;
	DIR *d;

	setsid();
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	d = opendir("/proc/self/fd");
	if (!d)
		return;
	while ((e = readdir(d))) {
		fd = atoi(e->d_name);
		if (fd > 2 && fd != keep && fd != dirfd(d))
			close(fd);
	}
	closedir(d);
}

static void restorer_main(struct sysctl_guard *g, int rfd)
{
	char c;
	ssize_t got;

	vas_guard_detach(rfd);
	do {
		got = read(rfd, &c, 1);
	} while (got < 0 && errno == EINTR);
	if (got == 1 && c == 'd')
		_exit(0);
	if (vas_sysctl_write(g->name, g->saved) == 0)
		forget_saved(g);
	_exit(0);
}

static struct sysctl_guard *find_guard(const char *name)
{
	int i;

	for (i = 0; i < MAX_GUARDS; i++)
		if (guards[i].restorer && !strcmp(guards[i].name, name))
			return &guards[i];
	return NULL;
}

static struct sysctl_guard *new_guard(const char *name)
{
	struct sysctl_guard *g = NULL;
	int i, fds[2], ret;

	for (i = 0; i < MAX_GUARDS && !g; i++)
		if (!guards[i].restorer)
			g = &guards[i];
	if (!g)
		return NULL;
	snprintf(g->name, sizeof(g->name), "%s", name);
	ret = vas_sysctl_read(name, g->saved, sizeof(g->saved));
	if (ret) {
		errno = -ret;
		return NULL;
	}
	if (pipe2(fds, O_CLOEXEC))
		return NULL;
	g->restorer = fork();
	if (g->restorer < 0) {
		g->restorer = 0;
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (g->restorer == 0) {
		close(fds[1]);
		restorer_main(g, fds[0]);
	}
	close(fds[0]);
	g->fd = fds[1];
	record_saved(g);
	return g;
}

/* Tell the restorer to stand down and reap it. */
static void release_guard(struct sysctl_guard *g, bool stand_down)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;

	/* A restorer that died must not take the test with it (SIGPIPE). */
	sigaction(SIGPIPE, &ign, &old);
	if (stand_down && write(g->fd, "d", 1) != 1)
		stand_down = false;
	sigaction(SIGPIPE, &old, NULL);
	close(g->fd);
	waitpid(g->restorer, NULL, 0);
	g->restorer = 0;
}

int vas_sysctl_set_guarded(const char *name, const char *val)
{
	struct sysctl_guard *g = find_guard(name);
	bool fresh = !g;
	int ret;

	if (!g) {
		g = new_guard(name);
		if (!g)
			return errno ? -errno : -ENOSPC;
	}
	ret = vas_sysctl_write(name, val);
	if (ret && fresh) {
		/* Nothing changed: no restore is owed. */
		forget_saved(g);
		release_guard(g, true);
	}
	return ret;
}

int vas_sysctl_restore(const char *name)
{
	struct sysctl_guard *g = find_guard(name);
	int ret;

	if (!g)
		return -ENOENT;
	ret = vas_sysctl_write(name, g->saved);
	if (!ret)
		forget_saved(g);
	/* On a failed write the restorer tries again when the pipe closes. */
	release_guard(g, !ret);
	return ret;
}
