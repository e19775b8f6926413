/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tests' client of the vas_probe helper module (kmod/): open its
 * device, loading the module first when it is not there, and call its
 * ioctls. The interface itself is kmod/vas_probe.h.
 *
 * Loading: as root, finit_module(2) of vas_probe.ko found next to the
 * running program (the directory of /proc/self/exe) or at $VAS_KMOD. A
 * program run that loaded the module unloads it when its main process
 * exits (not when a test's child does), and only then: a module loaded by
 * hand, or built in, stays.
 */
#ifndef VAS_KMOD_H
#define VAS_KMOD_H

#include <stddef.h>
#include <stdint.h>

#include "vas_probe.h"

/* Fixed skip reasons, one per cause. */
#define VAS_SKIP_KMOD_ROOT	"vas_probe module unavailable: not root"
#define VAS_SKIP_KMOD_NOMOD	"vas_probe module unavailable: no module support"
#define VAS_SKIP_KMOD_NOKO	"vas_probe module unavailable: no vas_probe.ko"
#define VAS_SKIP_KMOD_LOAD	"vas_probe module unavailable: load failed"
#define VAS_SKIP_KMOD_NODEV	"vas_probe module unavailable: no device"
#define VAS_SKIP_KMOD_ABI	"vas_probe module unavailable: ABI mismatch"

/* Environment variable naming the module file to load. */
#define VAS_KMOD_ENV		"VAS_KMOD"

/*
 * A file descriptor of the module's device, opened (and the module loaded)
 * on the first call of a process and kept open; later calls return the
 * same one. On failure: a negative errno, *reason set to one of the
 * VAS_SKIP_KMOD_* reasons, and what happened printed as a diagnostic.
 */
int vas_kmod_open(const char **reason);

/* True when this program run loaded the module (and so unloads it). */
int vas_kmod_loaded_here(void);

/*
 * The ioctls: each fills the size/flags header itself and returns 0 (or a
 * count) or a negative errno.
 */
int vas_kmod_info(int fd, struct vas_probe_info *info);
int vas_kmod_layout(int fd, struct vas_probe_layout *l);
int vas_kmod_addrs(int fd, struct vas_probe_addrs *a);
/* Walk nr_pages pages from addr (page-aligned) of this process. */
int vas_kmod_walk(int fd, uint64_t addr, size_t nr_pages,
		  struct vas_probe_pte *out);
int vas_kmod_vma(int fd, uint64_t addr, struct vas_probe_vma *v);
int vas_kmod_mm(int fd, struct vas_probe_mm *m);
/* Fill up to cap entries; return how many there are, or -errno. */
int vas_kmod_nodes(int fd, struct vas_probe_node *nodes, unsigned int cap);
int vas_kmod_zones(int fd, struct vas_probe_zone *zones, unsigned int cap);
int vas_kmod_kstack(int fd, struct vas_probe_kstack *k);

/* "x86_64", "i386", "arm64", "arm" or "other" for VAS_PROBE_ARCH_*. */
const char *vas_kmod_arch_name(uint32_t arch);

#endif /* VAS_KMOD_H */
