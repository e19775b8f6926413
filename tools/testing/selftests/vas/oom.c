// SPDX-License-Identifier: GPL-2.0
/*
 * oom: the OOM killer, confined.
 *
 * Every OOM here but one happens in a memory cgroup of the test's own
 * (vas_cgroup.h: created, limited and removed, also when the test is
 * killed), with small limits so that it is fast. The supervisor (the
 * test's own process) stays outside that group and asks for
 * oom_score_adj -1000; the tasks it starts (workers) die with it
 * (PR_SET_PDEATHSIG), so nothing outlives a killed test.
 *
 * Facts from the kernel sources (mm/oom_kill.c, mm/memcontrol.c,
 * fs/proc/base.c, 6.1 and 6.12 alike):
 *  - oom_badness(): rss + swap entries + page-table pages, plus
 *    oom_score_adj * (totalpages / 1000); -1000 (OOM_SCORE_ADJ_MIN)
 *    means never chosen. In a memcg OOM, totalpages is the group's
 *    limit in pages, so +1000 outweighs any member's memory.
 *  - /proc/PID/oom_score = (1000 + badness * 1000 / totalpages) * 2 / 3
 *    with totalpages = totalram + total swap (MemTotal + SwapTotal).
 *  - __oom_kill_process() counts the kill (vmstat oom_kill, the memcg's
 *    oom_kill event: v2 memory.events, v1 memory.oom_control) before it
 *    sends SIGKILL, then logs "<message>: Killed process <pid> (comm)",
 *    message "Memory cgroup out of memory" or, global, "Out of memory".
 *    The log line is not rate limited; the report before it is.
 *  - Lowering oom_score_adj below the task's oom_score_adj_min (0 unless
 *    a privileged writer set it) needs CAP_SYS_RESOURCE; raising never
 *    does.
 *  - memory.oom.group (v2, 4.19+): oom_kill_process() kills the victim,
 *    then every member but those at -1000 through the same
 *    __oom_kill_process(), which counts and logs each call; the victim,
 *    still alive then, is counted and logged once more.
 *  - panic_on_oom=2 panics on a memcg OOM too, 1 on a global one.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "../kselftest_harness.h"
#include "vas_lib.h"
#include "vas_cgroup.h"

/* Small enough to be quick even under TCG, big enough for 64K pages. */
#define LIMIT_BYTES		(32 * VAS_MIB)
/* The hog asks for several times the limit. */
#define HOG_FACTOR		4
/* "Killed within seconds": a memcg OOM of this size takes milliseconds. */
#define KILL_DEADLINE_MS	10000
/* A global OOM first fills all of RAM: minutes at worst under TCG. */
#define GLOBAL_DEADLINE_MS	120000
/* How long a worker may take to set itself up or touch its memory. */
#define ACK_MS			10000
/* Log lines may trail the death of a victim another task killed. */
#define KMSG_WAIT_MS		2000
#define GLOBAL_CHUNK		(64 * VAS_MIB)

#define ADJ_MIN			(-1000)
#define ADJ_MAX			1000

#define SKIP_GUEST		"global OOM only in a VM guest"
#define SKIP_RESOURCE		"needs CAP_SYS_RESOURCE"
#define SKIP_V2_ONLY		"memory.oom.group needs cgroup v2"
#define SKIP_NO_OOM_KILL	"no oom_kill counter"
#define SKIP_PANIC		"vm.panic_on_oom set"
#define SKIP_STRICT		"strict overcommit (vm.overcommit_memory=2)"
#define SKIP_KMSG		"/dev/kmsg unreadable"
#define SKIP_NOMEM		"not enough free memory"

/* Worker commands and answers, one byte each (touch carries a size). */
#define CMD_TOUCH	't'	/* map and touch n bytes, THP off, answer */
#define CMD_HOG		'h'	/* map n bytes, touch all: must be killed */
#define CMD_GLOBAL	'g'	/* chunks with THP advised until killed */
#define ACK_READY	'r'
#define ACK_DONE	'd'
#define ACK_ADJ_ERR	'a'	/* could not set oom_score_adj */
#define ACK_NOMEM	'm'	/* mmap failed */

struct cmd {
	char op;
	uint64_t bytes;
};

struct worker {
	pid_t pid;
	int cmd;		/* the supervisor's write end */
	int ack;		/* the supervisor's read end */
	int status;		/* wait status once reaped */
	bool reaped;
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* vas_lib candidate */
static int set_adj(pid_t pid, int adj)
{
	char path[64], val[16];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/oom_score_adj");
	snprintf(val, sizeof(val), "%d", adj);
	return vas_write_file(path, val);
}

static int read_long(const char *path, long *val)
{
	char buf[32], *end;

	if (vas_read_file(path, buf, sizeof(buf)) < 0)
		return -errno ?: -EIO;
	*val = strtol(buf, &end, 10);
	return end == buf ? -EINVAL : 0;
}

static int proc_long(pid_t pid, const char *file, long *val)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return read_long(path, val);
}

static void touch(char *p, size_t len, size_t ps)
{
	size_t off;

	for (off = 0; off < len; off += ps)
		p[off] = 1;
}

static void answer(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		_exit(3);
}

static void worker_main(int cmd, int ack, int adj, pid_t parent)
{
	size_t ps = vas_page_size();
	struct cmd c;
	char *p;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	if (set_adj(0, adj)) {
		answer(ack, ACK_ADJ_ERR);
		_exit(2);
	}
	answer(ack, ACK_READY);
	while (read(cmd, &c, sizeof(c)) == sizeof(c)) {
		switch (c.op) {
		case CMD_TOUCH:
		case CMD_HOG:
			p = vas_map_anon_nothp(c.bytes, PROT_READ | PROT_WRITE);
			if (!p) {
				answer(ack, ACK_NOMEM);
				break;
			}
			touch(p, c.bytes, ps);
			answer(ack, ACK_DONE);
			break;
		case CMD_GLOBAL:
			/* THP where it can: fewer faults, faster under TCG. */
			for (;;) {
				p = mmap(NULL, GLOBAL_CHUNK, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
				if (p == MAP_FAILED) {
					answer(ack, ACK_NOMEM);
					break;
				}
				madvise(p, GLOBAL_CHUNK, MADV_HUGEPAGE);
				touch(p, GLOBAL_CHUNK, ps);
			}
			break;
		}
	}
	_exit(0);
}

/* A byte from the worker within ms; 0 on timeout or end of file. */
static char worker_ack(struct worker *w, int ms)
{
	struct pollfd pfd = { .fd = w->ack, .events = POLLIN };
	char c;

	if (poll(&pfd, 1, ms) != 1 || read(w->ack, &c, 1) != 1)
		return 0;
	return c;
}

/* vas_lib candidate */
/* Fork a worker at the given oom_score_adj; its first answer or 0. */
static char worker_start(struct worker *w, int adj)
{
	pid_t parent = getpid();
	int cmd[2], ack[2];

	memset(w, 0, sizeof(*w));
	w->cmd = -1;
	w->ack = -1;
	if (pipe2(cmd, O_CLOEXEC))
		return 0;
	if (pipe2(ack, O_CLOEXEC)) {
		close(cmd[0]);
		close(cmd[1]);
		return 0;
	}
	fflush(stdout);
	fflush(stderr);
	w->pid = fork();
	if (w->pid == 0) {
		close(cmd[1]);
		close(ack[0]);
		worker_main(cmd[0], ack[1], adj, parent);
	}
	close(cmd[0]);
	close(ack[1]);
	w->cmd = cmd[1];
	w->ack = ack[0];
	if (w->pid < 0) {
		w->pid = 0;
		return 0;
	}
	return worker_ack(w, ACK_MS);
}

static int worker_send(struct worker *w, char op, uint64_t bytes)
{
	struct cmd c;

	memset(&c, 0, sizeof(c));
	c.op = op;
	c.bytes = bytes;
	return write(w->cmd, &c, sizeof(c)) == sizeof(c) ? 0 : -EPIPE;
}

/* Reap the worker within ms: 0, or -ETIMEDOUT while it still lives. */
static int worker_wait(struct worker *w, long ms, long *took)
{
	long start = now_ms();

	for (;;) {
		pid_t got = waitpid(w->pid, &w->status, WNOHANG);

		if (got == w->pid) {
			w->reaped = true;
			break;
		}
		if (got < 0)
			return -errno;
		if (now_ms() - start > ms)
			return -ETIMEDOUT;
		sleep_ms(1);
	}
	if (took)
		*took = now_ms() - start;
	return 0;
}

static bool worker_alive(struct worker *w)
{
	return w->pid > 0 && !w->reaped &&
	       waitpid(w->pid, &w->status, WNOHANG) == 0;
}

/* Exit status, 128 + signal when killed, -1 while not reaped. */
static int death_code(const struct worker *w)
{
	if (!w->reaped)
		return -1;
	return WIFSIGNALED(w->status) ? 128 + WTERMSIG(w->status) :
					WEXITSTATUS(w->status);
}

static void worker_stop(struct worker *w)
{
	if (w->pid > 0 && !w->reaped) {
		kill(w->pid, SIGKILL);
		waitpid(w->pid, &w->status, 0);
		w->reaped = true;
	}
	if (w->cmd >= 0)
		close(w->cmd);
	if (w->ack >= 0)
		close(w->ack);
	w->cmd = -1;
	w->ack = -1;
}

/* ---- the kernel log ---- */

struct kills {
	int n;			/* "Killed process" lines with our prefix */
	pid_t pid[16];		/* their pids, in order */
	int other_prefix;	/* kill lines with another prefix */
	char summary[512];	/* the last "oom-kill:" summary seen */
};

/*
 * Read the records logged since vas_kmsg_open(): wait until a kill line for
 * each of want[0..nwant) came and the log is quiet, or KMSG_WAIT_MS.
 */
static void kmsg_collect(int fd, const char *prefix, const pid_t *want,
			 int nwant, struct kills *k)
{
	char rec[2048], pat[128];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long start = now_ms(), left;
	int i, j, found;

	memset(k, 0, sizeof(*k));
	snprintf(pat, sizeof(pat), "%s: Killed process ", prefix);
	for (;;) {
		ssize_t got = read(fd, rec, sizeof(rec) - 1);
		const char *msg, *hit;

		if (got < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (got < 0) {
			for (found = 0, i = 0; i < nwant; i++)
				for (j = 0; j < k->n; j++)
					if (k->pid[j] == want[i]) {
						found++;
						break;
					}
			left = KMSG_WAIT_MS - (now_ms() - start);
			/* All there: stop after 100 ms without a new line. */
			if (left <= 0 ||
			    (poll(&pfd, 1, found == nwant ? 100 : (int)left) == 0 &&
			     found == nwant))
				break;
			continue;
		}
		rec[got] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (!strncmp(msg, "oom-kill:", 9)) {
			snprintf(k->summary, sizeof(k->summary), "%.*s",
				 (int)strcspn(msg, "\n"), msg);
			continue;
		}
		hit = strstr(msg, ": Killed process ");
		if (!hit)
			continue;
		if (strncmp(msg, pat, strlen(pat))) {
			k->other_prefix++;
			continue;
		}
		if (k->n < (int)ARRAY_SIZE(k->pid))
			k->pid[k->n++] = (pid_t)strtol(msg + strlen(pat), NULL, 10);
	}
}

static int kills_of(const struct kills *k, pid_t pid)
{
	int i, n = 0;

	for (i = 0; i < k->n; i++)
		n += k->pid[i] == pid;
	return n;
}

/* The first of pids that a kill line names, 0 when none. */
static pid_t first_kill(const struct kills *k, const pid_t *pids, int n)
{
	int i, j;

	for (i = 0; i < k->n; i++)
		for (j = 0; j < n; j++)
			if (k->pid[i] == pids[j])
				return pids[j];
	return 0;
}

/* ---- the supervisor ---- */

/*
 * The supervisor at -1000: never an OOM victim. Without CAP_SYS_RESOURCE
 * it stays where it is; in a memcg OOM it is outside the group anyway.
 */
static bool protect_self(void)
{
	return set_adj(0, ADJ_MIN) == 0;
}

/* vas_lib candidate */
/* Every ancestor up to init, to see them all alive afterwards. */
static int ancestors(pid_t *pids, int max)
{
	pid_t pid = getppid();
	int n = 0;

	while (pid > 1 && n < max) {
		char path[64], buf[512], *p;

		pids[n++] = pid;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if (vas_read_file(path, buf, sizeof(buf)) < 0)
			break;
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 2, "%*c %d", &pid) != 1)
			break;
	}
	return n;
}

static int ancestors_alive(const pid_t *pids, int n)
{
	int i, alive = 0;

	for (i = 0; i < n; i++)
		alive += kill(pids[i], 0) == 0 || errno == EPERM;
	return alive;
}

static unsigned long long oom_kills(const struct vas_cgroup *cg)
{
	unsigned long long v = ~0ULL;

	vas_cgroup_event(cg, "oom_kill", &v);
	return v;
}

FIXTURE(memcg) {
	struct vas_cgroup cg;
	bool made;
	const char *skip;
	unsigned long long limit;
	size_t ps;
	struct worker w[4];
	int nw;
	int kmsg;
	pid_t up[32];
	int nup;
};

FIXTURE_SETUP(memcg)
{
	unsigned long long v;
	unsigned long panic = 0;
	const char *why;

	self->kmsg = -1;
	self->ps = vas_page_size();
	ASSERT_NE(0UL, self->ps);
	self->limit = LIMIT_BYTES;
	self->nup = ancestors(self->up, ARRAY_SIZE(self->up));
	if (!vas_sysctl_read_ul("vm.panic_on_oom", &panic) && panic == 2) {
		self->skip = SKIP_PANIC;
		return;
	}
	if (vas_cgroup_create(&self->cg, "oom", &why)) {
		if (vas_cgroup_detail()[0])
			TH_LOG("%s", vas_cgroup_detail());
		self->skip = why;
		return;
	}
	self->made = true;
	if (!protect_self())
		TH_LOG("supervisor not at -1000 (no CAP_SYS_RESOURCE), outside the group");
	ASSERT_EQ(0, vas_cgroup_set_limit(&self->cg, self->limit));
	if (vas_cgroup_event(&self->cg, "oom_kill", &v) == -ENOENT) {
		self->skip = SKIP_NO_OOM_KILL;
		return;
	}
	/* A new group: nothing killed yet. */
	ASSERT_EQ(0ULL, v);
}

FIXTURE_TEARDOWN(memcg)
{
	int i;

	for (i = 0; i < self->nw; i++)
		worker_stop(&self->w[i]);
	if (self->kmsg >= 0)
		close(self->kmsg);
	if (self->made)
		EXPECT_EQ(0, vas_cgroup_remove(&self->cg));
}

/* A worker at adj, inside the group when inside is set. */
static struct worker *spawn(struct __test_metadata *_metadata,
			    FIXTURE_DATA(memcg) *self, int adj, bool inside)
{
	struct worker *w = &self->w[self->nw];
	char c;

	if (self->nw >= (int)ARRAY_SIZE(self->w))
		return NULL;
	c = worker_start(w, adj);
	self->nw++;
	if (c == ACK_ADJ_ERR)
		return NULL;
	if (c != ACK_READY)
		TH_LOG("worker at oom_score_adj %d did not start", adj);
	if (c != ACK_READY)
		return NULL;
	if (inside && vas_cgroup_add_pid(&self->cg, w->pid)) {
		TH_LOG("cannot move pid %d into %s", (int)w->pid, self->cg.path);
		return NULL;
	}
	return w;
}

/* Touch bytes in w and wait for it: true when done. */
static bool hold(struct worker *w, unsigned long long bytes)
{
	return !worker_send(w, CMD_TOUCH, bytes) &&
	       worker_ack(w, ACK_MS) == ACK_DONE;
}

/*
 * A child that touches HOG_FACTOR times the limit dies by SIGKILL within
 * seconds, counted once; the group never goes over its limit; outside
 * the group a bystander at +1000 (it would be the first victim of a
 * global OOM), the supervisor and its ancestors live on.
 */
TEST_F(memcg, hog_killed_counted_once_within_limit)
{
	unsigned long long kills, peak = 0;
	struct worker *hog, *by;
	long took = 0;
	int ret;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	by = spawn(_metadata, self, ADJ_MAX, false);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)by);
	ASSERT_TRUE(hold(by, self->limit / 4));
	hog = spawn(_metadata, self, 0, true);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)hog);
	ASSERT_EQ(0, worker_send(hog, CMD_HOG, HOG_FACTOR * self->limit));
	ret = worker_wait(hog, KILL_DEADLINE_MS, &took);
	EXPECT_EQ(0, ret) {
		TH_LOG("hog still alive after %d ms", KILL_DEADLINE_MS);
	}
	ASSERT_EQ(SIGKILL + 128, death_code(hog));
	EXPECT_LE(took, KILL_DEADLINE_MS);
	kills = oom_kills(&self->cg);
	EXPECT_EQ(1ULL, kills);
	ret = vas_cgroup_peak(&self->cg, &peak);
	if (ret == -ENOENT && self->cg.version == 2 &&
	    !vas_kernel_at_least(5, 19)) {
		/* memory.peak came in 5.19. */
		TH_LOG("no memory.peak before 5.19: peak not checked");
	} else {
		ASSERT_EQ(0, ret);
		EXPECT_LE(peak, self->limit);
		/* It did fill the group up to the limit first. */
		EXPECT_GE(peak, self->limit / 2);
	}
	EXPECT_TRUE(worker_alive(by));
	EXPECT_EQ(self->nup, ancestors_alive(self->up, self->nup));
	EXPECT_EQ(self->up[0], getppid());
	ksft_print_msg("vas-data: oom_memcg cgroup=v%d limit=%llu peak=%llu ms=%ld oom_kill=%llu\n",
		       self->cg.version, self->limit, peak, took, kills);
}

/*
 * oom_score_adj orders the victims: a small task at +1000 goes before a
 * large one at 0. Sizes: large holds half the limit, small a quarter;
 * large asks for another 35%: 110% in all, 85% once small is gone.
 *
 * Then large usually gets its memory, but the kernel may take it too,
 * about a millisecond later (seen on 6.1 and 6.18, in some 1 run of 5 to
 * 15): exit_mmap() sets MMF_OOM_SKIP on the dying victim before
 * tlb_finish_mmu() has freed (uncharged) its pages, so a charge retried
 * in that window passes over the victim and kills the next task. So:
 * small dies first, always; large either gets its memory with one kill
 * counted, or dies after small with two, in that order in the log.
 */
TEST_F(memcg, small_at_plus_1000_dies_before_large_at_0)
{
	struct worker *large, *small;
	unsigned long long lim = self->limit, kills;
	bool second = false;
	struct kills k;
	pid_t pids[2];
	char c;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	self->kmsg = vas_kmsg_open();
	large = spawn(_metadata, self, 0, true);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)large);
	ASSERT_TRUE(hold(large, lim / 2));
	small = spawn(_metadata, self, ADJ_MAX, true);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)small);
	ASSERT_TRUE(hold(small, lim / 4));
	EXPECT_EQ(0ULL, oom_kills(&self->cg));
	pids[0] = small->pid;
	pids[1] = large->pid;
	ASSERT_EQ(0, worker_send(large, CMD_TOUCH, lim * 35 / 100));
	/* Its answer, or the end of the pipe when it was killed. */
	c = worker_ack(large, KILL_DEADLINE_MS);
	EXPECT_EQ(0, worker_wait(small, KILL_DEADLINE_MS, NULL));
	EXPECT_EQ(SIGKILL + 128, death_code(small));
	kills = oom_kills(&self->cg);
	if (c == ACK_DONE) {
		EXPECT_TRUE(worker_alive(large));
		EXPECT_EQ(1ULL, kills);
	} else {
		second = true;
		TH_LOG("large killed too, after small (answer %d)", c);
		EXPECT_EQ(0, worker_wait(large, KILL_DEADLINE_MS, NULL));
		EXPECT_EQ(SIGKILL + 128, death_code(large));
		EXPECT_EQ(2ULL, kills);
	}
	if (self->kmsg >= 0) {
		kmsg_collect(self->kmsg, "Memory cgroup out of memory", pids,
			     second ? 2 : 1, &k);
		EXPECT_EQ(1, kills_of(&k, small->pid));
		EXPECT_EQ(second ? 1 : 0, kills_of(&k, large->pid));
		/* Small's line comes first. */
		EXPECT_EQ(small->pid, first_kill(&k, pids, 2));
	} else {
		TH_LOG("/dev/kmsg unreadable: order of the kills not checked");
	}
	ksft_print_msg("vas-data: oom_order cgroup=v%d small_adj=%d large_adj=0 oom_kill=%llu\n",
		       self->cg.version, ADJ_MAX, kills);
}

/*
 * A task at -1000 is never chosen, even as the largest one: it holds 60%
 * of the limit, the hog (at 0) is killed with less.
 */
TEST_F(memcg, adj_min_never_chosen)
{
	struct worker *prot, *hog;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* Below oom_score_adj_min (0): only with CAP_SYS_RESOURCE. */
	if (!vas_has_cap(CAP_SYS_RESOURCE))
		SKIP(return, SKIP_RESOURCE);
	prot = spawn(_metadata, self, ADJ_MIN, true);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)prot);
	ASSERT_TRUE(hold(prot, self->limit * 6 / 10));
	hog = spawn(_metadata, self, 0, true);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)hog);
	ASSERT_EQ(0, worker_send(hog, CMD_HOG, HOG_FACTOR * self->limit));
	EXPECT_EQ(0, worker_wait(hog, KILL_DEADLINE_MS, NULL));
	EXPECT_EQ(SIGKILL + 128, death_code(hog));
	EXPECT_TRUE(worker_alive(prot));
	EXPECT_EQ(1ULL, oom_kills(&self->cg));
}

/*
 * memory.oom.group=1 (v2): one OOM kills every member, each counted in
 * oom_kill. Each count comes with a "Killed process" line, so with the
 * log readable the count must equal those lines exactly (the victim has
 * two: see the top of the file); without it, at least one per member.
 */
TEST_F(memcg, oom_group_kills_and_counts_every_member)
{
	struct worker *m[3];
	unsigned long long kills, gkills = 0;
	struct kills k;
	pid_t pids[3];
	int i, lines, n = ARRAY_SIZE(m);

	if (self->skip)
		SKIP(return, "%s", self->skip);
	if (self->cg.version != 2)
		SKIP(return, SKIP_V2_ONLY);
	ASSERT_EQ(0, vas_cgroup_write(&self->cg, "memory.oom.group", "1"));
	self->kmsg = vas_kmsg_open();
	for (i = 0; i < n; i++) {
		m[i] = spawn(_metadata, self, 0, true);
		ASSERT_NE((uintptr_t)NULL, (uintptr_t)m[i]);
		pids[i] = m[i]->pid;
		if (i < n - 1)
			ASSERT_TRUE(hold(m[i], self->limit / 8));
	}
	ASSERT_EQ(0, worker_send(m[n - 1], CMD_HOG, HOG_FACTOR * self->limit));
	for (i = 0; i < n; i++) {
		EXPECT_EQ(0, worker_wait(m[i], KILL_DEADLINE_MS, NULL));
		EXPECT_EQ(SIGKILL + 128, death_code(m[i])) {
			TH_LOG("member %d (pid %d)", i, (int)pids[i]);
		}
	}
	kills = oom_kills(&self->cg);
	if (vas_cgroup_event(&self->cg, "oom_group_kill", &gkills) == 0)
		EXPECT_EQ(1ULL, gkills);	/* since 5.17 */
	if (self->kmsg >= 0) {
		kmsg_collect(self->kmsg, "Memory cgroup out of memory", pids, n, &k);
		for (lines = 0, i = 0; i < n; i++) {
			EXPECT_LE(1, kills_of(&k, pids[i])) {
				TH_LOG("no kill line for member %d (pid %d)",
				       i, (int)pids[i]);
			}
			lines += kills_of(&k, pids[i]);
		}
		/* Each kill of a member counted once, nothing else. */
		EXPECT_EQ((unsigned long long)lines, kills);
	} else {
		TH_LOG("/dev/kmsg unreadable (%s): kill lines not counted", strerror(-self->kmsg));
		EXPECT_LE((unsigned long long)n, kills);
		EXPECT_GE((unsigned long long)n + 1, kills);
	}
	ksft_print_msg("vas-data: oom_group members=%d oom_kill=%llu group_kill=%llu lines=%d\n",
		       n, kills, gkills, self->kmsg >= 0 ? k.n : -1);
}

/*
 * As root, the kernel log carries the memcg OOM report: "Memory cgroup
 * out of memory: Killed process <pid>" naming the hog.
 */
TEST_F(memcg, kmsg_names_the_victim)
{
	struct worker *hog;
	struct kills k;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	self->kmsg = vas_kmsg_open();
	if (self->kmsg < 0) {
		TH_LOG("/dev/kmsg: %s", strerror(-self->kmsg));
		SKIP(return, SKIP_KMSG);
	}
	hog = spawn(_metadata, self, 0, true);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)hog);
	ASSERT_EQ(0, worker_send(hog, CMD_HOG, HOG_FACTOR * self->limit));
	ASSERT_EQ(0, worker_wait(hog, KILL_DEADLINE_MS, NULL));
	EXPECT_EQ(SIGKILL + 128, death_code(hog));
	kmsg_collect(self->kmsg, "Memory cgroup out of memory", &hog->pid, 1, &k);
	/*
	 * Exactly once. Other lines are not checked here: on a shared host
	 * another group may OOM meanwhile.
	 */
	EXPECT_EQ(1, kills_of(&k, hog->pid));
	/* The report before it is rate limited: checked when it is there. */
	if (k.summary[0]) {
		char want[32];

		snprintf(want, sizeof(want), ",pid=%d,", (int)hog->pid);
		TH_LOG("%s", k.summary);
		EXPECT_NE((uintptr_t)NULL,
			  (uintptr_t)strstr(k.summary, "constraint=CONSTRAINT_MEMCG"));
		EXPECT_NE((uintptr_t)NULL, (uintptr_t)strstr(k.summary, want));
	}
	ksft_print_msg("vas-data: oom_kmsg victim=%d lines=%d summary=%d\n",
		       (int)hog->pid, k.n, k.summary[0] != 0);
}

/* ---- oom_score, no cgroup ---- */

struct score_in {
	unsigned long long total;	/* MemTotal + SwapTotal, pages */
	size_t ps;
};

/*
 * /proc/PID/oom_score as fs/proc/base.c computes it from what
 * /proc/PID/status shows: VmRSS (anon + file + shmem), VmSwap, VmPTE.
 */
static int expected_score(pid_t pid, const struct score_in *in, long adj,
			  long *score)
{
	unsigned long long rss, swap = 0, pte, kb = in->ps / 1024;
	char path[64];
	long long badness;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (vas_proc_value(path, "VmRSS", &rss) ||
	    vas_proc_value(path, "VmPTE", &pte))
		return -ENOENT;
	vas_proc_value(path, "VmSwap", &swap);
	badness = (long long)(rss / kb + swap / kb + pte * 1024 / in->ps);
	badness += adj * (long long)(in->total / 1000);
	*score = (long)((1000 + badness * 1000 / (long long)in->total) * 2 / 3);
	return 0;
}

/*
 * With equal oom_score_adj (0), oom_score follows memory: it is exactly
 * the kernel's formula of the task's status figures, and it grows when
 * the task touches enough memory to move it by at least two points
 * (4 per mille of RAM + swap).
 */
TEST(oom_score_grows_with_rss)
{
	unsigned long long mem, swap = 0, avail, delta;
	struct score_in in = { .ps = vas_page_size() };
	long s0, s1, e0, e1, adj = -1;
	struct worker w;
	char c;

	ASSERT_NE(0UL, in.ps);
	ASSERT_EQ(0, vas_proc_value("/proc/meminfo", "MemTotal", &mem));
	vas_proc_value("/proc/meminfo", "SwapTotal", &swap);
	ASSERT_EQ(0, vas_proc_value("/proc/meminfo", "MemAvailable", &avail));
	in.total = (mem + swap) * 1024 / in.ps;
	delta = (4 * in.total / 1000 + 1) * in.ps;
	if (delta > avail * 1024 / 2) {
		TH_LOG("needs %llu bytes, %llu kB available", delta, avail);
		SKIP(return, SKIP_NOMEM);
	}
	c = worker_start(&w, 0);
	ASSERT_EQ(ACK_READY, c) {
		worker_stop(&w);
	}
	EXPECT_EQ(0, proc_long(w.pid, "oom_score_adj", &adj));
	EXPECT_EQ(0, adj);
	ASSERT_EQ(0, proc_long(w.pid, "oom_score", &s0));
	ASSERT_EQ(0, expected_score(w.pid, &in, adj, &e0));
	EXPECT_EQ(e0, s0);
	ASSERT_TRUE(hold(&w, delta)) {
		worker_stop(&w);
	}
	ASSERT_EQ(0, proc_long(w.pid, "oom_score", &s1));
	ASSERT_EQ(0, expected_score(w.pid, &in, adj, &e1));
	worker_stop(&w);
	EXPECT_EQ(e1, s1);
	/* 4 per mille of the pages, scaled by 2/3: at least 2 points. */
	EXPECT_LE(e0 + 2, e1);
	EXPECT_LE(s0 + 2, s1);
	ksft_print_msg("vas-data: oom_score total_pages=%llu touched=%llu before=%ld after=%ld\n",
		       in.total, delta / in.ps, s0, s1);
}

/* ---- the global OOM, in a VM guest only ---- */

/*
 * No cgroup: the hog, at +1000, fills the guest's memory until the OOM
 * killer takes it, and only it: vmstat oom_kill grows by one, the log
 * says "Out of memory: Killed process <hog>", the supervisor (at -1000)
 * and every ancestor up to init live on.
 */
TEST(global_oom_kills_only_the_hog)
{
	unsigned long long before, after;
	unsigned long panic = 0, overcommit = 0;
	const char *env = getenv("VAS_GLOBAL_OOM");
	pid_t up[32];
	struct worker hog;
	struct kills k;
	int fd, nup;
	long took = 0;
	char c;

	if (!env || strcmp(env, "1"))
		SKIP(return, SKIP_GUEST);
	if (!vas_is_root())
		SKIP(return, VAS_SKIP_ROOT);
	if (!vas_sysctl_read_ul("vm.panic_on_oom", &panic) && panic)
		SKIP(return, SKIP_PANIC);
	if (!vas_sysctl_read_ul("vm.overcommit_memory", &overcommit) &&
	    overcommit == 2)
		SKIP(return, SKIP_STRICT);
	if (!protect_self())
		SKIP(return, SKIP_RESOURCE);
	fd = vas_kmsg_open();
	if (fd < 0)
		SKIP(return, SKIP_KMSG);
	nup = ancestors(up, ARRAY_SIZE(up));
	ASSERT_EQ(0, vas_vmstat_value("oom_kill", &before));
	c = worker_start(&hog, ADJ_MAX);
	ASSERT_EQ(ACK_READY, c);
	ASSERT_EQ(0, worker_send(&hog, CMD_GLOBAL, 0));
	EXPECT_EQ(0, worker_wait(&hog, GLOBAL_DEADLINE_MS, &took));
	c = worker_ack(&hog, 0);
	worker_stop(&hog);
	EXPECT_NE(ACK_NOMEM, c);
	EXPECT_EQ(SIGKILL + 128, death_code(&hog));
	ASSERT_EQ(0, vas_vmstat_value("oom_kill", &after));
	EXPECT_EQ(before + 1, after);
	kmsg_collect(fd, "Out of memory", &hog.pid, 1, &k);
	close(fd);
	/* A guest runs nothing else: the hog's line is the only one. */
	EXPECT_EQ(1, kills_of(&k, hog.pid));
	EXPECT_EQ(1, k.n);
	EXPECT_EQ(0, k.other_prefix);
	if (k.summary[0])
		TH_LOG("%s", k.summary);
	EXPECT_EQ(nup, ancestors_alive(up, nup));
	EXPECT_EQ(up[0], getppid());
	ksft_print_msg("vas-data: oom_global kill_ms=%ld oom_kill=%llu\n",
		       took, after - before);
}

#include "vas_main.h"
