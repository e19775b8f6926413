// SPDX-License-Identifier: GPL-2.0
/*
 * Memory cgroups of the tests' own (see vas_cgroup.h). The guard mirrors
 * the sysctl restorer of vas_sysctl.c: a process in its own session that
 * waits on a pipe whose write end the test holds; when the pipe closes
 * without a "stand down" byte, or the test dies (the guard's parent-death
 * signal: the test's children may hold the pipe and live on in the
 * group), the guard kills what is left in the group and removes it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "vas_lib.h"
#include "vas_cgroup.h"

/* How long a removal waits for killed tasks to leave the group. */
#define REMOVE_WAIT_MS	5000
#define POLL_MS		5

static char detail[1024];
static unsigned int serial;

const char *vas_cgroup_detail(void)
{
	return detail;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* True when the space-separated list in file holds word. */
static bool file_has_word(const char *path, const char *word)
{
	char buf[512], *tok, *save;

	if (vas_read_file(path, buf, sizeof(buf)) < 0)
		return false;
	for (tok = strtok_r(buf, "\n ", &save); tok;
	     tok = strtok_r(NULL, "\n ", &save))
		if (!strcmp(tok, word))
			return true;
	return false;
}

static bool comma_list_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while (p && *p) {
		if (!strncmp(p, word, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

/*
 * The memory controller's mount: a cgroup2 mount whose root lists
 * "memory" in cgroup.controllers, else a v1 cgroup mount with the memory
 * option. Fills the mount point and the mount's root within the
 * hierarchy; returns the version or 0.
 */
static int find_memory_mount(char *mnt, size_t mlen, char *root, size_t rlen)
{
	char line[1024], v1mnt[VAS_CGROUP_PATH] = "", v1root[256] = "";
	char path[VAS_CGROUP_PATH + 256];
	int version = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return 0;
	while (!version && fgets(line, sizeof(line), f)) {
		char r[256], m[VAS_CGROUP_PATH], type[32], super[512];
		const char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %255s %511s", r, m) != 2 ||
		    sscanf(sep + 3, "%31s %*s %511s", type, super) != 2)
			continue;
		if (!strcmp(type, "cgroup2")) {
			snprintf(path, sizeof(path), "%s/cgroup.controllers", m);
			if (file_has_word(path, "memory")) {
				snprintf(mnt, mlen, "%s", m);
				snprintf(root, rlen, "%s", r);
				version = 2;
			}
		} else if (!strcmp(type, "cgroup") && !v1mnt[0] &&
			   comma_list_has(super, "memory")) {
			snprintf(v1mnt, sizeof(v1mnt), "%s", m);
			snprintf(v1root, sizeof(v1root), "%s", r);
		}
	}
	fclose(f);
	if (!version && v1mnt[0]) {
		snprintf(mnt, mlen, "%s", v1mnt);
		snprintf(root, rlen, "%s", v1root);
		version = 1;
	}
	return version;
}

/* The caller's group in that hierarchy, as a directory; "" if unknown. */
static void own_group_dir(int version, const char *mnt, const char *root,
			  char *dir, size_t len)
{
	char line[1024], *ctrl, *path;
	size_t rl = strlen(root);
	FILE *f = fopen("/proc/self/cgroup", "re");

	dir[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		ctrl = strchr(line, ':');
		path = ctrl ? strchr(ctrl + 1, ':') : NULL;
		if (!path)
			continue;
		*path++ = '\0';
		ctrl++;
		if (version == 2 ? strcmp(line, "0") || *ctrl :
				   !comma_list_has(ctrl, "memory"))
			continue;
		/* The mount shows the hierarchy from root down. */
		if (!strcmp(root, "/"))
			rl = 0;
		else if (strncmp(path, root, rl) || (path[rl] && path[rl] != '/'))
			break;
		snprintf(dir, len, "%s%s", mnt, path + rl);
		break;
	}
	fclose(f);
	if (dir[0] && access(dir, F_OK))
		dir[0] = '\0';
}

static void state_path(const struct vas_cgroup *cg, char *path, size_t len)
{
	const char *dir = getenv("VAS_STATE_DIR");
	const char *name = strrchr(cg->path, '/');

	if (!dir || !*dir || !name) {
		path[0] = '\0';
		return;
	}
	snprintf(path, len, "%s/cgroup.%s", dir, name + 1);
}

static void record_state(const struct vas_cgroup *cg)
{
	char path[VAS_CGROUP_PATH + 512], line[VAS_CGROUP_PATH + 256];
	int fd;

	state_path(cg, path, sizeof(path));
	if (!path[0])
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	snprintf(line, sizeof(line), "%s\n", cg->path);
	if (write(fd, line, strlen(line)) < 0)
		unlink(path);
	close(fd);
}

static void forget_state(const struct vas_cgroup *cg)
{
	char path[VAS_CGROUP_PATH + 512];

	state_path(cg, path, sizeof(path));
	if (path[0])
		unlink(path);
}

/*
 * Kill every task of the group but the caller, until none is left or the
 * wait is over; returns how many were still there the last time.
 */
static int kill_members(const struct vas_cgroup *cg)
{
	char path[VAS_CGROUP_PATH + 256], buf[4096], *p, *end;
	int waited, left = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg->path);
	for (waited = 0; waited <= REMOVE_WAIT_MS; waited += POLL_MS) {
		if (vas_read_file(path, buf, sizeof(buf)) < 0)
			return 0;
		left = 0;
		for (p = buf; *p; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			if (pid > 0 && pid != getpid()) {
				kill((pid_t)pid, SIGKILL);
				left++;
			}
		}
		if (!left)
			return 0;
		sleep_ms(POLL_MS);
	}
	return left;
}

/* The caller back to its own group when it is inside this one. */
static void leave_group(const struct vas_cgroup *cg)
{
	char path[VAS_CGROUP_PATH + 256], buf[4096], me[16];
	const char *p;
	size_t n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg->path);
	if (vas_read_file(path, buf, sizeof(buf)) < 0)
		return;
	n = (size_t)snprintf(me, sizeof(me), "%d", (int)getpid());
	for (p = buf; (p = strstr(p, me)); p += n) {
		if ((p == buf || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0')) {
			snprintf(path, sizeof(path), "%s/cgroup.procs",
				 cg->home[0] ? cg->home : cg->parent);
			vas_write_file(path, me);
			return;
		}
	}
}

/* Empty the group, remove it and what we set up for it. 0 or -errno. */
static int cleanup(const struct vas_cgroup *cg)
{
	char path[VAS_CGROUP_PATH + 256];
	int waited, ret = 0;

	kill_members(cg);
	/* Killed tasks leave the group as they exit: wait for rmdir. */
	for (waited = 0; rmdir(cg->path); waited += POLL_MS) {
		ret = -errno;
		if (ret == -ENOENT) {
			ret = 0;
			break;
		}
		if (ret != -EBUSY || waited >= REMOVE_WAIT_MS)
			return ret;
		kill_members(cg);
		sleep_ms(POLL_MS);
		ret = 0;
	}
	/* The parent stays while another test's group is in it. */
	rmdir(cg->parent);
	if (cg->enabled[0]) {
		snprintf(path, sizeof(path), "%s/cgroup.subtree_control",
			 cg->enabled);
		/* Best effort: refused while another group relies on it. */
		vas_write_file(path, "-memory");
	}
	forget_state(cg);
	return ret;
}

/* Only there to interrupt the wait. */
static void on_creator_death(int sig)
{
}

/*
 * Wait for the creator's "stand down", or for its end: the pipe closing
 * (every holder gone) or the parent-death signal, which also comes when
 * children of the test, inside the group maybe, still hold the pipe.
 */
static void guard_main(const struct vas_cgroup *cg, int rfd, pid_t creator)
{
	struct sigaction sa = { .sa_handler = on_creator_death };
	struct pollfd pfd = { .fd = rfd, .events = POLLIN };
	sigset_t block, orig;
	ssize_t got;
	char c;

	vas_guard_detach(rfd);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGUSR1, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGUSR1);
	/* SIGUSR1 only gets through while waiting in ppoll(). */
	while (getppid() == creator) {
		if (ppoll(&pfd, 1, NULL, &orig) < 0)
			continue;
		got = read(rfd, &c, 1);
		if (got == 1 && c == 'd')
			_exit(0);
		if (got == 0 || (got < 0 && errno != EINTR))
			break;
	}
	cleanup(cg);
	_exit(0);
}

static int start_guard(struct vas_cgroup *cg)
{
	pid_t creator = getpid();
	int fds[2];

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	cg->guard = fork();
	if (cg->guard < 0) {
		cg->guard = 0;
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (cg->guard == 0) {
		close(fds[1]);
		guard_main(cg, fds[0], creator);
	}
	close(fds[0]);
	cg->guard_fd = fds[1];
	return 0;
}

static int fail(int ret, const char *what, const char *path)
{
	snprintf(detail, sizeof(detail), "%s %s: %s", what, path,
		 strerror(-ret));
	return ret;
}

/* Make base/vas (memory enabled for its children) and the group in it. */
static int setup_in(struct vas_cgroup *cg, const char *base, const char *tag)
{
	char path[VAS_CGROUP_PATH + 256];
	int ret, tries;

	cg->enabled[0] = '\0';
	if (cg->version == 2) {
		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", base);
		if (!file_has_word(path, "memory")) {
			/* EBUSY when base holds processes (not the root). */
			ret = vas_write_file(path, "+memory");
			if (ret)
				return fail(ret, "enabling memory in", path);
			snprintf(cg->enabled, sizeof(cg->enabled), "%s", base);
		}
	}
	snprintf(cg->parent, sizeof(cg->parent), "%s/vas", base);
	for (tries = 0; tries < 8; tries++) {
		if (mkdir(cg->parent, 0755) && errno != EEXIST) {
			ret = fail(-errno, "mkdir", cg->parent);
			goto undo;
		}
		if (cg->version == 2) {
			snprintf(path, sizeof(path), "%s/cgroup.subtree_control",
				 cg->parent);
			if (!file_has_word(path, "memory")) {
				ret = vas_write_file(path, "+memory");
				if (ret && ret != -ENOENT) {
					fail(ret, "enabling memory in", path);
					goto undo;
				}
			}
		}
		snprintf(cg->path, sizeof(cg->path), "%s/%s-%d-%u", cg->parent,
			 tag, (int)getpid(), serial++);
		if (!mkdir(cg->path, 0755))
			return 0;
		/* ENOENT: another test removed the parent meanwhile. */
		ret = fail(-errno, "mkdir", cg->path);
		if (ret != -EEXIST && ret != -ENOENT)
			break;
	}
undo:
	rmdir(cg->parent);
	if (cg->enabled[0]) {
		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", base);
		vas_write_file(path, "-memory");
		cg->enabled[0] = '\0';
	}
	return ret;
}

int vas_cgroup_create(struct vas_cgroup *cg, const char *tag,
		      const char **reason)
{
	char mnt[VAS_CGROUP_PATH], root[256], path[VAS_CGROUP_PATH + 256];
	const char *bases[2];
	int i, ret = -ENOENT;

	memset(cg, 0, sizeof(*cg));
	cg->guard_fd = -1;
	detail[0] = '\0';
	*reason = VAS_SKIP_CGROUP;
	cg->version = find_memory_mount(mnt, sizeof(mnt), root, sizeof(root));
	if (!cg->version) {
		snprintf(detail, sizeof(detail),
			 "no cgroup2 memory controller and no v1 memory mount");
		return -ENOENT;
	}
	if (!vas_is_root()) {
		*reason = VAS_SKIP_ROOT;
		return -EPERM;
	}
	own_group_dir(cg->version, mnt, root, cg->home, sizeof(cg->home));
	/* Inside the caller's group keeps its limits over us; else the top. */
	bases[0] = cg->home[0] ? cg->home : mnt;
	bases[1] = mnt;
	for (i = 0; i < 2; i++) {
		if (i && !strcmp(bases[0], bases[1]))
			break;
		ret = setup_in(cg, bases[i], tag);
		if (!ret)
			break;
	}
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/%s", cg->path,
		 cg->version == 2 ? "memory.max" : "memory.limit_in_bytes");
	if (access(path, F_OK)) {
		ret = fail(-errno, "no memory limit file", path);
		cleanup(cg);
		return ret;
	}
	if (cg->version == 1) {
		snprintf(path, sizeof(path), "%s/memory.memsw.limit_in_bytes",
			 cg->path);
		cg->memsw = !access(path, F_OK);
	}
	ret = start_guard(cg);
	if (ret) {
		fail(ret, "no guard for", cg->path);
		cleanup(cg);
		return ret;
	}
	record_state(cg);
	*reason = NULL;
	return 0;
}

int vas_cgroup_write(const struct vas_cgroup *cg, const char *file,
		     const char *val)
{
	char path[VAS_CGROUP_PATH + 256];

	snprintf(path, sizeof(path), "%s/%s", cg->path, file);
	return vas_write_file(path, val);
}

ssize_t vas_cgroup_read(const struct vas_cgroup *cg, const char *file,
			char *buf, size_t len)
{
	char path[VAS_CGROUP_PATH + 256];

	snprintf(path, sizeof(path), "%s/%s", cg->path, file);
	return vas_read_file(path, buf, len);
}

int vas_cgroup_set_limit(struct vas_cgroup *cg, unsigned long long bytes)
{
	const char *limit = "memory.max", *swap = "memory.swap.max";
	char val[32];
	int ret;

	snprintf(val, sizeof(val), "%llu", bytes);
	if (cg->version == 2) {
		ret = vas_cgroup_write(cg, limit, val);
		if (ret)
			return ret;
		/* Absent without swap accounting: then there is no swap to bar. */
		ret = vas_cgroup_write(cg, swap, "0");
		return ret == -ENOENT ? 0 : ret;
	}
	limit = "memory.limit_in_bytes";
	swap = "memory.memsw.limit_in_bytes";
	ret = vas_cgroup_write(cg, limit, val);
	if (!cg->memsw)
		return ret;
	/* memsw may never be below the limit: raise it first when growing. */
	if (ret == -EINVAL) {
		ret = vas_cgroup_write(cg, swap, val);
		return ret ? ret : vas_cgroup_write(cg, limit, val);
	}
	return ret ? ret : vas_cgroup_write(cg, swap, val);
}

int vas_cgroup_add_pid(struct vas_cgroup *cg, pid_t pid)
{
	char val[16];

	snprintf(val, sizeof(val), "%d", (int)(pid ? pid : getpid()));
	return vas_cgroup_write(cg, "cgroup.procs", val);
}

/* "key value" lines of a group file. */
static int keyed_value(const struct vas_cgroup *cg, const char *file,
		       const char *key, unsigned long long *val)
{
	char buf[8192], *line, *save, *sp;
	size_t n = strlen(key);
	ssize_t got = vas_cgroup_read(cg, file, buf, sizeof(buf));

	if (got < 0)
		return (int)got;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		sp = strchr(line, ' ');
		if (!sp || (size_t)(sp - line) != n || strncmp(line, key, n))
			continue;
		*val = strtoull(sp + 1, NULL, 10);
		return 0;
	}
	return -ENOENT;
}

int vas_cgroup_stat(const struct vas_cgroup *cg, const char *key,
		    unsigned long long *val)
{
	return keyed_value(cg, "memory.stat", key, val);
}

int vas_cgroup_event(const struct vas_cgroup *cg, const char *key,
		     unsigned long long *val)
{
	return keyed_value(cg, cg->version == 2 ? "memory.events" :
			   "memory.oom_control", key, val);
}

static int number_file(const struct vas_cgroup *cg, const char *file,
		       unsigned long long *val)
{
	char buf[64], *end;
	ssize_t got = vas_cgroup_read(cg, file, buf, sizeof(buf));

	if (got < 0)
		return (int)got;
	*val = strtoull(buf, &end, 10);
	return end == buf ? -EINVAL : 0;
}

int vas_cgroup_usage(const struct vas_cgroup *cg, unsigned long long *bytes)
{
	return number_file(cg, cg->version == 2 ? "memory.current" :
			   "memory.usage_in_bytes", bytes);
}

int vas_cgroup_peak(const struct vas_cgroup *cg, unsigned long long *bytes)
{
	return number_file(cg, cg->version == 2 ? "memory.peak" :
			   "memory.max_usage_in_bytes", bytes);
}

int vas_cgroup_remove(struct vas_cgroup *cg)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	bool stand_down;
	int ret;

	if (!cg->guard)
		return -ENOENT;
	leave_group(cg);
	ret = cleanup(cg);
	/* On a failure the guard tries again once the pipe closes. */
	stand_down = !ret;
	sigaction(SIGPIPE, &ign, &old);
	if (stand_down && write(cg->guard_fd, "d", 1) != 1)
		stand_down = false;
	sigaction(SIGPIPE, &old, NULL);
	close(cg->guard_fd);
	cg->guard_fd = -1;
	/* A guard still waiting (children hold the pipe) is not waited for. */
	waitpid(cg->guard, NULL, stand_down ? 0 : WNOHANG);
	cg->guard = 0;
	return ret;
}
