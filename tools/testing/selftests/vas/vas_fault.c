// SPDX-License-Identifier: GPL-2.0
/*
 * Perform one access and report the signal it raised, without losing
 * the process: the handler records siginfo and jumps back.
 */
#include <setjmp.h>
#include <signal.h>
#include <string.h>

#include "vas_lib.h"

/*
 * The handler is installed only around the access: every fault it sees
 * is the access's own.
 */
static sigjmp_buf fault_jmp;
static struct vas_fault fault_seen;

static const int caught[] = { SIGSEGV, SIGBUS, SIGILL };

static void fault_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_seen.signo = sig;
	fault_seen.code = si->si_code;
	fault_seen.addr = (uintptr_t)si->si_addr;
	siglongjmp(fault_jmp, 1);
}

/* Atomic accesses: the compiler may not drop or merge them. */
static void do_access(uintptr_t addr, enum vas_access how)
{
	switch (how) {
	case VAS_READ:
		(void)__atomic_load_n((char *)addr, __ATOMIC_RELAXED);
		break;
	case VAS_WRITE:
		__atomic_store_n((char *)addr, 0, __ATOMIC_RELAXED);
		break;
	case VAS_EXEC:
		((void (*)(void))addr)();
		break;
	}
}

struct vas_fault vas_try_access(uintptr_t addr, enum vas_access how)
{
	struct sigaction sa, old[3];
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaction(caught[i], &sa, &old[i]);

	memset(&fault_seen, 0, sizeof(fault_seen));
	if (!sigsetjmp(fault_jmp, 1))
		do_access(addr, how);
	for (i = 0; i < 3; i++)
		sigaction(caught[i], &old[i], NULL);
	return fault_seen;
}

struct vas_fault vas_try_call(void (*fn)(void))
{
	return vas_try_access((uintptr_t)fn, VAS_EXEC);
}

const char *vas_access_name(enum vas_access how)
{
	switch (how) {
	case VAS_READ:
		return "read";
	case VAS_WRITE:
		return "write";
	case VAS_EXEC:
		return "exec";
	}
	return "?";
}

const char *vas_si_code_name(int signo, int code)
{
	if (code == SI_KERNEL)
		return "SI_KERNEL";
	if (signo == SIGSEGV) {
		switch (code) {
		case SEGV_MAPERR:
			return "SEGV_MAPERR";
		case SEGV_ACCERR:
			return "SEGV_ACCERR";
#ifdef SEGV_PKUERR
		case SEGV_PKUERR:
			return "SEGV_PKUERR";
#endif
		}
	}
	if (signo == SIGBUS) {
		switch (code) {
		case BUS_ADRALN:
			return "BUS_ADRALN";
		case BUS_ADRERR:
			return "BUS_ADRERR";
		}
	}
	return "other";
}
