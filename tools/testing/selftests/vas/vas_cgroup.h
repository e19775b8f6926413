/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A memory cgroup of the test's own, to confine memory pressure and OOM:
 * created under a "vas" parent, limited, filled with pids, read, and
 * removed whatever happens to the test.
 *
 * Where: the memory controller of cgroup v2 (the unified hierarchy,
 * "+memory" enabled in cgroup.subtree_control where needed) when it is
 * there, else the v1 memory hierarchy's own mount. The "vas" parent goes
 * under the caller's own cgroup when the hierarchy allows it (always on
 * v1; on v2 only when that cgroup may enable controllers for children,
 * i.e. it holds no process of its own), else under the mount's root.
 *
 * Removal: vas_cgroup_create() starts a guard process in its own session
 * that waits on a pipe and for the creating process's death; when that
 * process exits or is killed (SIGKILL too) without vas_cgroup_remove(),
 * even with children left running, the guard kills the tasks left in the
 * group, removes it (and the "vas" parent when empty) and undoes any
 * "+memory" it enabled. While the group exists, the file
 * $VAS_STATE_DIR/cgroup.<name> holds its path for run_tests.sh, the last
 * line of defence (format: the group's absolute path and a newline; kill
 * every pid of <path>/cgroup.procs, rmdir <path>, then rmdir its parent
 * when empty).
 */
#ifndef VAS_CGROUP_H
#define VAS_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Fixed skip reasons (besides VAS_SKIP_ROOT, "needs root"). */
#define VAS_SKIP_CGROUP		"no memory cgroup controller"

#define VAS_CGROUP_PATH		512

struct vas_cgroup {
	int version;			/* 1 or 2 */
	char path[VAS_CGROUP_PATH + 128];	/* the group's directory */
	char parent[VAS_CGROUP_PATH];	/* the "vas" folder holding it */
	char home[VAS_CGROUP_PATH];	/* the creator's own group */
	/* Where we enabled "+memory" (v2), "" when nowhere. */
	char enabled[VAS_CGROUP_PATH];
	bool memsw;			/* v1: memory.memsw.* exist */
	int guard_fd;			/* write end of the guard's pipe */
	pid_t guard;
};

/*
 * Create a uniquely named group "<tag>-<pid>-<n>" and its guard. 0 on
 * success; else a negative errno and *reason set to VAS_SKIP_ROOT or
 * VAS_SKIP_CGROUP (vas_cgroup_detail() says what failed, for the log).
 */
int vas_cgroup_create(struct vas_cgroup *cg, const char *tag,
		      const char **reason);
const char *vas_cgroup_detail(void);

/*
 * Limit the group's memory to bytes, swap excluded: v2 memory.max and
 * memory.swap.max=0 (when swap accounting exists); v1
 * memory.limit_in_bytes and memory.memsw.limit_in_bytes (when present).
 * Lowering it below the usage reclaims first (v1: EBUSY when reclaim
 * cannot get there; v2: the group may OOM).
 */
int vas_cgroup_set_limit(struct vas_cgroup *cg, unsigned long long bytes);

/* Move pid (0: the caller) into the group. */
int vas_cgroup_add_pid(struct vas_cgroup *cg, pid_t pid);

/* A file of the group: write val / read it whole (NUL-terminated). */
int vas_cgroup_write(const struct vas_cgroup *cg, const char *file,
		     const char *val);
ssize_t vas_cgroup_read(const struct vas_cgroup *cg, const char *file,
			char *buf, size_t len);

/*
 * One "key value" of memory.stat; keys differ between v1 ("rss",
 * "cache", "unevictable"...) and v2 ("anon", "file", "unevictable",
 * "pglazyfreed"...). -ENOENT when the key is absent.
 */
int vas_cgroup_stat(const struct vas_cgroup *cg, const char *key,
		    unsigned long long *val);

/*
 * An event counter: v2 memory.events ("oom", "oom_kill", "max"...),
 * v1 memory.oom_control ("oom_kill", "under_oom"...).
 */
int vas_cgroup_event(const struct vas_cgroup *cg, const char *key,
		     unsigned long long *val);

/*
 * Usage now and its peak, in bytes: v2 memory.current and memory.peak
 * (since 5.19), v1 memory.usage_in_bytes and memory.max_usage_in_bytes.
 */
int vas_cgroup_usage(const struct vas_cgroup *cg, unsigned long long *bytes);
int vas_cgroup_peak(const struct vas_cgroup *cg, unsigned long long *bytes);

/*
 * Remove the group now: the caller, when inside, goes back to its own
 * group; any other task left inside is killed. Stands the guard down.
 * Call it before the test ends (a killed test relies on the guard).
 */
int vas_cgroup_remove(struct vas_cgroup *cg);

#endif /* VAS_CGROUP_H */
