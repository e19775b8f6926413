// SPDX-License-Identifier: GPL-2.0
/*
 * uring: memory pinned through io_uring's registered (fixed) buffers.
 *
 * IORING_REGISTER_BUFFERS pins the buffer's pages for as long as they
 * stay registered, and READ_FIXED / WRITE_FIXED then move data to and
 * from those pages through the kernel's own references, not through the
 * user mapping. The rules checked here, from io_uring/rsrc.c (6.1 and
 * 6.12; fs/io_uring.c before 5.19):
 *
 *  - io_sqe_buffer_register() pins the pages with pin_user_pages(
 *    FOLL_WRITE | FOLL_LONGTERM), which faults in whatever is not
 *    resident yet, and charges them (io_buffer_account_pin(): a small
 *    page counts one, a compound page its full size once; THP is advised
 *    off here so that N pages count N) to mm->pinned_vm, the VmPin line
 *    of /proc/PID/status. mm->pinned_vm accounting came with the 5.9/5.10
 *    accounting rework; 5.10 is the first LTS kernel that has it.
 *    Unregistering unpins and uncharges them at once.
 *  - Unless the ring's creator has CAP_IPC_LOCK (in the initial user
 *    namespace), the pages are also charged to the user's locked_vm
 *    (struct user_struct, shared by all processes of that uid) against
 *    RLIMIT_MEMLOCK: over the limit, registering fails with ENOMEM. This
 *    holds since fixed buffers exist (5.1); CAP_IPC_LOCK skips only this
 *    charge, not the pinned_vm one. The rings' own pages were charged
 *    there too before 5.12, and are again on recent kernels (6.18: two
 *    pages for a four-entry ring, not in VmPin): the test leaves room
 *    for them under its limit.
 *  - A fixed request addresses the registered pages by offset from the
 *    registered address range (io_import_fixed()), without looking at
 *    the VMA: after munmap of the buffer the pages stay pinned and keep
 *    serving fixed I/O until the buffers are unregistered.
 *  - kernel.io_uring_disabled (6.6): 1 refuses io_uring_setup() with
 *    EPERM to tasks outside kernel.io_uring_group without CAP_SYS_ADMIN,
 *    2 to everyone. Seccomp profiles often deny it with EPERM as well.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>

#include <liburing.h>

#include "../kselftest_harness.h"
#include "vas_lib.h"
#include "vas_kmod.h"

#define NPAGES		16	/* pages of a registered buffer */
#define LIMIT_PAGES	8	/* RLIMIT_MEMLOCK of the limited child, in pages */
#define RING_ENTRIES	4

#define SKIP_NOSYS		"io_uring unavailable (ENOSYS)"
#define SKIP_DISABLED		"io_uring disabled (kernel.io_uring_disabled)"
#define SKIP_EPERM		"io_uring_setup denied (EPERM)"
#define SKIP_OLD_PIN		"io_uring charges no VmPin before 5.10"
#define SKIP_IPC_LOCK		"needs CAP_IPC_LOCK"
#define SKIP_LIMIT		"RLIMIT_MEMLOCK hard limit below two pages"
#define SKIP_NO_PAGE_SIZE	"page size unknown"

/* ---- helpers ---- */

/* VmPin of this process in kB, or -1. */
static long long vm_pinned_kb(void)
{
	unsigned long long kb;

	if (vas_proc_value("/proc/self/status", "VmPin", &kb))
		return -1;
	return (long long)kb;
}

/*
 * vas_lib candidate
 * The fixed reason to SKIP with when io_uring_setup() failed with err
 * (a positive errno), or NULL when err says nothing about availability.
 */
static const char *uring_skip_reason(int err)
{
	unsigned long disabled = 0;

	if (err == ENOSYS)
		return SKIP_NOSYS;
	if (err != EPERM)
		return NULL;
	if (!vas_sysctl_read_ul("kernel.io_uring_disabled", &disabled) &&
	    disabled)
		return SKIP_DISABLED;
	return SKIP_EPERM;
}

/* A memfd holding len bytes of seed's pattern; -errno on failure. */
static int memfd_filled(size_t len, unsigned int seed)
{
	unsigned char *tmp = malloc(len);
	int fd = memfd_create("vas-uring", MFD_CLOEXEC), err;

	if (fd < 0 || !tmp) {
		err = fd < 0 ? -errno : -ENOMEM;
		if (fd >= 0)
			close(fd);
		free(tmp);
		return err;
	}
	vas_fill(tmp, len, seed, 0);
	if (pwrite(fd, tmp, len, 0) != (ssize_t)len) {
		err = -EIO;
		close(fd);
		free(tmp);
		return err;
	}
	free(tmp);
	return fd;
}

/* Submit the prepared entry and wait: its result (bytes, or -errno). */
static int submit_one(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_submit_and_wait(ring, 1);
	if (ret < 0)
		return ret;
	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret < 0)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

/*
 * Submit one fixed read or write of registered buffer 0 and wait for
 * it: the completion's result (bytes, or -errno).
 */
static int fixed_io(struct io_uring *ring, bool write, int fd, void *buf,
		    size_t len)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	if (write)
		io_uring_prep_write_fixed(sqe, fd, buf, len, 0, 0);
	else
		io_uring_prep_read_fixed(sqe, fd, buf, len, 0, 0);
	return submit_one(ring);
}

/* A NOP through the ring, so that its pages are touched. */
static int nop(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_nop(sqe);
	return submit_one(ring);
}

/* Each test's ring and buffer. */
FIXTURE(fixed_buffer) {
	struct io_uring ring;
	bool have_ring;
	const char *skip;	/* io_uring missing or refused */
	size_t ps, len;
	char *buf;		/* NPAGES pages, THP off, untouched */
	long long pin0;		/* VmPin before registering */
};

FIXTURE_SETUP(fixed_buffer)
{
	int ret;

	self->ps = vas_page_size();
	ASSERT_NE((size_t)0, self->ps) TH_LOG("sysconf and AT_PAGESZ disagree");
	self->len = NPAGES * self->ps;
	ret = io_uring_queue_init(RING_ENTRIES, &self->ring, 0);
	if (ret) {
		self->skip = uring_skip_reason(-ret);
		ASSERT_NE((uintptr_t)NULL, (uintptr_t)self->skip)
			TH_LOG("io_uring_queue_init: %s", strerror(-ret));
		return;
	}
	self->have_ring = true;
	self->buf = vas_map_anon_nothp(self->len, PROT_READ | PROT_WRITE);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)self->buf);
	self->pin0 = vm_pinned_kb();
	ASSERT_LE(0LL, self->pin0) TH_LOG("no VmPin in /proc/self/status");
}

FIXTURE_TEARDOWN(fixed_buffer)
{
	if (self->have_ring)
		io_uring_queue_exit(&self->ring);
}

/* Register [buf, buf + len) as fixed buffer 0 of ring. */
static int register_buf(struct io_uring *ring, void *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };

	return io_uring_register_buffers(ring, &iov, 1);
}

/* ---- pinning ---- */

TEST_F(fixed_buffer, register_pins_and_faults_in_unregister_unpins)
{
	long long pin1, pin2;
	int ret;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	if (!vas_kernel_at_least(5, 10))
		SKIP(return, SKIP_OLD_PIN);
	/* A fresh mapping: nothing resident before the registration. */
	ASSERT_EQ(0L, vas_resident_pages(self->buf, self->len));

	ret = register_buf(&self->ring, self->buf, self->len);
	ASSERT_EQ(0, ret) TH_LOG("register: %s", strerror(-ret));
	pin1 = vm_pinned_kb();
	/* Pinning faulted every page in, and VmPin counts each once. */
	EXPECT_EQ((long)NPAGES, vas_resident_pages(self->buf, self->len));
	EXPECT_EQ((long long)(self->len / VAS_KIB), pin1 - self->pin0);

	ret = io_uring_unregister_buffers(&self->ring);
	ASSERT_EQ(0, ret) TH_LOG("unregister: %s", strerror(-ret));
	pin2 = vm_pinned_kb();
	EXPECT_EQ(self->pin0, pin2);
	ksft_print_msg("vas-data: uring_pin pages=%d pinned_kb=%lld unpinned_kb=%lld\n",
		       NPAGES, pin1 - self->pin0, pin2 - self->pin0);
}

TEST_F(fixed_buffer, register_grows_pinned_vm_kmod)
{
	struct vas_probe_mm mm0, mm1, mm2;
	const char *reason = NULL;
	long long pin1;
	int fd, ret;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	if (!vas_kernel_at_least(5, 10))
		SKIP(return, SKIP_OLD_PIN);
	fd = vas_kmod_open(&reason);
	if (fd < 0)
		SKIP(return, "%s", reason);
	ASSERT_EQ(0, vas_kmod_mm(fd, &mm0));
	ret = register_buf(&self->ring, self->buf, self->len);
	ASSERT_EQ(0, ret) TH_LOG("register: %s", strerror(-ret));
	ASSERT_EQ(0, vas_kmod_mm(fd, &mm1));
	pin1 = vm_pinned_kb();
	ret = io_uring_unregister_buffers(&self->ring);
	ASSERT_EQ(0, ret) TH_LOG("unregister: %s", strerror(-ret));
	ASSERT_EQ(0, vas_kmod_mm(fd, &mm2));

	EXPECT_EQ((unsigned long long)NPAGES,
		  (unsigned long long)(mm1.pinned_vm - mm0.pinned_vm));
	EXPECT_EQ((unsigned long long)mm0.pinned_vm,
		  (unsigned long long)mm2.pinned_vm);
	/* VmPin is pinned_vm in kB. */
	EXPECT_EQ((unsigned long long)pin1,
		  (unsigned long long)mm1.pinned_vm * self->ps / VAS_KIB);
}

/* ---- fixed I/O ---- */

TEST_F(fixed_buffer, read_fixed_delivers_data_without_page_faults)
{
	struct vas_faults f0, f1;
	size_t ok;
	int fd, ret, res;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	fd = memfd_filled(self->len, 1);
	ASSERT_LE(0, fd) TH_LOG("memfd: %s", strerror(-fd));
	ret = register_buf(&self->ring, self->buf, self->len);
	ASSERT_EQ(0, ret) TH_LOG("register: %s", strerror(-ret));
	/* A first round trip touches the ring's pages. */
	ASSERT_EQ(0, nop(&self->ring));

	ASSERT_EQ(0, vas_faults(&f0));
	res = fixed_io(&self->ring, false, fd, self->buf, self->len);
	ok = vas_matching(self->buf, self->len, 1, 0);
	ASSERT_EQ(0, vas_faults(&f1));

	EXPECT_EQ((int)self->len, res) TH_LOG("READ_FIXED: %s",
					      res < 0 ? strerror(-res) : "short");
	EXPECT_EQ(self->len, ok);
	/* The pages were pinned and mapped already: nothing to fault. */
	EXPECT_EQ(0UL, f1.minor - f0.minor);
	EXPECT_EQ(0UL, f1.major - f0.major);
	ksft_print_msg("vas-data: uring_read_fixed bytes=%d minflt=%lu majflt=%lu\n",
		       res, f1.minor - f0.minor, f1.major - f0.major);
	io_uring_unregister_buffers(&self->ring);
	close(fd);
}

TEST_F(fixed_buffer, pin_outlives_munmap_until_unregister)
{
	long long pin1, pin2, pin3;
	unsigned char *out;
	char *again;
	int src, dst, ret, res;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	if (!vas_kernel_at_least(5, 10))
		SKIP(return, SKIP_OLD_PIN);
	out = malloc(self->len);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)out);
	src = memfd_filled(self->len, 3);
	ASSERT_LE(0, src) TH_LOG("memfd: %s", strerror(-src));
	dst = memfd_filled(self->len, 4);
	ASSERT_LE(0, dst) TH_LOG("memfd: %s", strerror(-dst));
	vas_fill(self->buf, self->len, 2, 0);
	ret = register_buf(&self->ring, self->buf, self->len);
	ASSERT_EQ(0, ret) TH_LOG("register: %s", strerror(-ret));
	pin1 = vm_pinned_kb();

	/* The buffer's VMA goes; its pages stay pinned, and charged. */
	ASSERT_EQ(0, munmap(self->buf, self->len));
	ASSERT_EQ((size_t)0, vas_mapped_pages(self->buf, NPAGES));
	pin2 = vm_pinned_kb();
	EXPECT_EQ(pin1, pin2);
	EXPECT_EQ((long long)(self->len / VAS_KIB), pin2 - self->pin0);

	/*
	 * Something else at the same address: fixed I/O still goes to the
	 * pinned pages, not to what the address maps now.
	 */
	again = mmap(self->buf, self->len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ASSERT_EQ((uintptr_t)self->buf, (uintptr_t)again);
	vas_fill(again, self->len, 5, 0);

	/* WRITE_FIXED sends what the pinned pages held at munmap. */
	res = fixed_io(&self->ring, true, dst, self->buf, self->len);
	EXPECT_EQ((int)self->len, res) TH_LOG("WRITE_FIXED: %s",
					      res < 0 ? strerror(-res) : "short");
	ASSERT_EQ((ssize_t)self->len, pread(dst, out, self->len, 0));
	EXPECT_EQ(self->len, vas_matching(out, self->len, 2, 0));
	/* READ_FIXED fills the pinned pages, not the new mapping... */
	res = fixed_io(&self->ring, false, src, self->buf, self->len);
	EXPECT_EQ((int)self->len, res) TH_LOG("READ_FIXED: %s",
					      res < 0 ? strerror(-res) : "short");
	EXPECT_EQ(self->len, vas_matching(again, self->len, 5, 0));
	/* ... as another WRITE_FIXED shows. */
	res = fixed_io(&self->ring, true, dst, self->buf, self->len);
	EXPECT_EQ((int)self->len, res);
	ASSERT_EQ((ssize_t)self->len, pread(dst, out, self->len, 0));
	EXPECT_EQ(self->len, vas_matching(out, self->len, 3, 0));

	/* Unregistering releases the pin. */
	ret = io_uring_unregister_buffers(&self->ring);
	ASSERT_EQ(0, ret) TH_LOG("unregister: %s", strerror(-ret));
	pin3 = vm_pinned_kb();
	EXPECT_EQ(self->pin0, pin3);
	close(src);
	close(dst);
	free(out);
}

/* ---- RLIMIT_MEMLOCK ---- */

/* What a child with a small RLIMIT_MEMLOCK saw; shared with the parent. */
struct limit_run {
	int setup_err;		/* io_uring_setup errno */
	int rlimit_err;		/* setrlimit errno */
	int too_small;		/* hard limit below two pages */
	unsigned long limit_pages;
	int within_err;		/* registering one page */
	int over_err;		/* registering limit_pages + 1 pages */
	long long pin_delta_kb;	/* VmPin growth while over is registered */
};

static int register_under_small_limit(void *arg)
{
	struct limit_run *r = arg;
	size_t ps = vas_page_size(), len;
	struct io_uring ring;
	struct iovec iov;
	struct rlimit rl;
	long long pin0;
	char *buf;
	int ret;

	ret = io_uring_queue_init(RING_ENTRIES, &ring, 0);
	r->setup_err = -ret;
	if (ret)
		return 0;
	/* Lowering the limits needs no privilege; raising the hard one would. */
	r->limit_pages = LIMIT_PAGES;
	if (!getrlimit(RLIMIT_MEMLOCK, &rl) && rl.rlim_max != RLIM_INFINITY &&
	    rl.rlim_max / ps < r->limit_pages)
		r->limit_pages = rl.rlim_max / ps;
	if (r->limit_pages < 2) {
		r->too_small = 1;
		return 0;
	}
	ret = vas_set_memlock(r->limit_pages * ps, r->limit_pages * ps);
	if (ret) {
		r->rlimit_err = -ret;
		return 0;
	}
	len = (r->limit_pages + 1) * ps;
	buf = vas_map_anon_nothp(len, PROT_READ | PROT_WRITE);
	if (!buf)
		return 1;

	iov.iov_base = buf;
	iov.iov_len = ps;
	r->within_err = -io_uring_register_buffers(&ring, &iov, 1);
	if (!r->within_err)
		io_uring_unregister_buffers(&ring);

	iov.iov_len = len;
	pin0 = vm_pinned_kb();
	r->over_err = -io_uring_register_buffers(&ring, &iov, 1);
	r->pin_delta_kb = vm_pinned_kb() - pin0;
	if (!r->over_err)
		io_uring_unregister_buffers(&ring);
	io_uring_queue_exit(&ring);
	return 0;
}

/* Run the child; NULL, or the fixed reason to SKIP with. */
static const char *limit_child(struct __test_metadata *_metadata,
			       struct limit_run *r, bool unprivileged)
{
	const char *why;
	int status;

	memset(r, 0, sizeof(*r));
	if (unprivileged)
		status = vas_run_unprivileged(register_under_small_limit, r);
	else
		status = vas_run_child(register_under_small_limit, r);
	ASSERT_EQ(0, status) TH_LOG("child status %d (125: could not drop privileges)",
				    status);
	if (r->setup_err) {
		why = uring_skip_reason(r->setup_err);
		ASSERT_NE((uintptr_t)NULL, (uintptr_t)why)
			TH_LOG("io_uring_queue_init: %s",
			       strerror(r->setup_err));
		return why;
	}
	if (r->too_small)
		return SKIP_LIMIT;
	ASSERT_EQ(0, r->rlimit_err) TH_LOG("setrlimit: %s",
					   strerror(r->rlimit_err));
	TH_LOG("RLIMIT_MEMLOCK %lu pages: one page %s, %lu pages %s",
	       r->limit_pages, strerror(r->within_err), r->limit_pages + 1,
	       strerror(r->over_err));
	return NULL;
}

TEST(unprivileged_register_over_rlimit_memlock_enomem)
{
	struct limit_run *r;
	const char *why;

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)r);
	why = limit_child(_metadata, r, true);
	if (why)
		SKIP(return, "%s", why);
	/* Charged to the user's locked_vm against the limit since 5.1. */
	EXPECT_EQ(0, r->within_err);
	EXPECT_EQ(ENOMEM, r->over_err);
	EXPECT_EQ(0LL, r->pin_delta_kb);
	munmap(r, sizeof(*r));
}

TEST(cap_ipc_lock_register_over_rlimit_memlock_allowed)
{
	size_t ps = vas_page_size();
	struct limit_run *r;
	const char *why;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	if (!vas_has_cap(CAP_IPC_LOCK))
		SKIP(return, SKIP_IPC_LOCK);
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)r);
	why = limit_child(_metadata, r, false);
	if (why)
		SKIP(return, "%s", why);
	/* No user locked_vm charge with CAP_IPC_LOCK: the limit is moot. */
	EXPECT_EQ(0, r->within_err);
	EXPECT_EQ(0, r->over_err);
	/* ... but the pages are pinned, and VmPin says so. */
	if (vas_kernel_at_least(5, 10))
		EXPECT_EQ((long long)((r->limit_pages + 1) * ps / VAS_KIB),
			  r->pin_delta_kb);
	munmap(r, sizeof(*r));
}

#include "vas_main.h"
