/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vas_probe: the interface of the vas helper module, shared by the module
 * (kmod/vas_probe.c) and the vas selftests (vas_kmod.c).
 *
 * The module registers the misc device /dev/vas_probe (mode 0600); open and
 * every ioctl also need CAP_SYS_ADMIN. Each ioctl takes one struct that
 * starts with its own size and a flags word:
 *
 *   size   must be sizeof() the struct, else EINVAL;
 *   flags  must be 0 (none are defined yet), else EINVAL;
 *   reserved fields must be 0 on input, else EINVAL; output fields are
 *   overwritten, whatever they held.
 *
 * Errors, for every command: EFAULT when the argument (or a buffer it
 * points to) cannot be copied; ENOTTY for an unknown command, including a
 * known one whose encoded size differs; EPERM without CAP_SYS_ADMIN.
 * Command-specific errors are listed with each command.
 *
 * All structs are made of __u64 and __u32 fields in an order that gives
 * the same layout on 32-bit and 64-bit ABIs, so 32-bit programs work on a
 * 64-bit kernel (compat_ioctl). Kernel addresses are reported as __u64.
 *
 * Warning: the module hands kernel addresses to root. It is a test tool:
 * load it on test machines only.
 */
#ifndef _UAPI_VAS_PROBE_H
#define _UAPI_VAS_PROBE_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define VAS_PROBE_NAME		"vas_probe"
#define VAS_PROBE_DEVICE	"/dev/vas_probe"
/* Bumped whenever a struct or a command changes meaning. */
#define VAS_PROBE_ABI		1

/*
 * Fault injection, for proving that the tests catch a wrong answer: the
 * module parameter "fault" (root only, mode 0600, settable at load time or
 * later through /sys/module/vas_probe/parameters/fault) names at most one
 * answer the module then falsifies. Anything but these names is refused
 * with EINVAL. Never set on a machine whose results matter.
 *
 *   none       every answer true (the default)
 *   task_size  LAYOUT: task_size one page too high
 *   vmalloc    ADDRS: the vmalloc buffer reported at its linear-map alias
 *   text       LAYOUT: kaslr.kernel_text one page off
 *   kstack     KSTACK: the same offset on every call
 *   absent     WALK: the first present page of a request reported absent
 *   node       WALK: each page's node one higher than it is
 *   zones      ZONES: the first populated zone one present page short
 *   locked     VMA: VAS_PROBE_VMA_LOCKED never set
 *   anon_rss   MM: anon_rss reported twice over
 *   pinned     MM: pinned_vm always 0
 */
#define VAS_PROBE_FAULTS	"none task_size vmalloc text kstack absent " \
				"node zones locked anon_rss pinned"

/* Unused in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define VAS_PROBE_IOC_MAGIC	0xB9

/* Limits of one request. */
#define VAS_PROBE_WALK_MAX	_BITUL(18)	/* pages per WALK (1 GiB of 4 KiB) */
#define VAS_PROBE_LIST_MAX	4096U		/* entries per NODES / ZONES */
#define VAS_PROBE_ZONE_NAME	16

/* Kernel architectures (vas_probe_info.arch, vas_probe_layout.arch). */
#define VAS_PROBE_ARCH_OTHER	0
#define VAS_PROBE_ARCH_X86_64	1
#define VAS_PROBE_ARCH_X86_32	2
#define VAS_PROBE_ARCH_ARM64	3
#define VAS_PROBE_ARCH_ARM	4

/* ---- VAS_PROBE_IOC_INFO: what answers ---- */
struct vas_probe_info {
	__u32 size;
	__u32 flags;
	__u32 abi;		/* out: VAS_PROBE_ABI of the module */
	__u32 arch;		/* out: VAS_PROBE_ARCH_* of the kernel */
	__u32 long_bits;	/* out: BITS_PER_LONG of the kernel */
	__u32 page_size;	/* out: PAGE_SIZE */
};

/* ---- VAS_PROBE_IOC_LAYOUT: the kernel's virtual memory layout ---- */

/* vas_probe_layout.valid: which optional fields the kernel reports. */
#define VAS_PROBE_L_TASK_SIZE_MAX	_BITULL(0)
#define VAS_PROBE_L_VMALLOC		_BITULL(1)
#define VAS_PROBE_L_MODULES		_BITULL(2)
#define VAS_PROBE_L_VMEMMAP		_BITULL(3)	/* SPARSEMEM_VMEMMAP */
#define VAS_PROBE_L_VMEMMAP_END		_BITULL(4)	/* the arch defines it */
#define VAS_PROBE_L_FIXMAP		_BITULL(5)
#define VAS_PROBE_L_KASAN		_BITULL(6)
#define VAS_PROBE_L_PKMAP		_BITULL(7)	/* HIGHMEM */
#define VAS_PROBE_L_KIMAGE		_BITULL(8)	/* kernel text mapping */
#define VAS_PROBE_L_LINEAR_END		_BITULL(9)	/* end of the linear map */
#define VAS_PROBE_L_PHYS_OFFSET		_BITULL(10)
#define VAS_PROBE_L_SPARSEMEM		_BITULL(11)	/* section_size_bits */
#define VAS_PROBE_L_MAX_PHYSMEM		_BITULL(12)	/* max_physmem_bits */

/* vas_probe_kaslr.flags */
#define VAS_PROBE_K_CONFIG_BASE		_BITUL(0)  /* CONFIG_RANDOMIZE_BASE */
#define VAS_PROBE_K_CONFIG_MEMORY	_BITUL(1)  /* CONFIG_RANDOMIZE_MEMORY */
#define VAS_PROBE_K_CONFIG_KSTACK	_BITUL(2)  /* ..._KSTACK_OFFSET */
#define VAS_PROBE_K_KSTACK_DEFAULT_ON	_BITUL(3)  /* ..._OFFSET_DEFAULT */
#define VAS_PROBE_K_BASES		_BITUL(4)  /* the *_base fields */
#define VAS_PROBE_K_BASES_RANDOMIZED	_BITUL(5)  /* a base != default */
#define VAS_PROBE_K_PHYS_BASE		_BITUL(6)  /* phys_base */

/* Kernel randomization, for the kaslr group. */
struct vas_probe_kaslr {
	__u32 flags;			/* VAS_PROBE_K_* */
	__u32 reserved;
	/*
	 * The address of a core kernel function (kfree): constant for one
	 * kernel image without KASLR, moved by the text offset with it.
	 */
	__u64 kernel_text;
	__u64 phys_base;		/* x86_64: physical load offset */
	/* x86_64 (CONFIG_RANDOMIZE_MEMORY): the bases in force ... */
	__u64 page_offset_base;
	__u64 vmalloc_base;
	__u64 vmemmap_base;
	/* ... and their documented defaults for the paging mode in force. */
	__u64 page_offset_default;
	__u64 vmalloc_default;
	__u64 vmemmap_default;
};

struct vas_probe_layout {
	__u32 size;
	__u32 flags;
	__u64 valid;			/* out: VAS_PROBE_L_* */
	__u32 arch;			/* VAS_PROBE_ARCH_* */
	__u32 long_bits;		/* BITS_PER_LONG */
	__u32 page_shift;		/* PAGE_SHIFT */
	__u32 pgtable_levels;		/* levels in force (x86_64: 5 with LA57) */
	__u32 pgdir_shift;		/* PGDIR_SHIFT in force */
	/*
	 * Width of each half of the address space in force: x86_64 47 or
	 * 56 (the canonical width minus one), arm64 VA_BITS; 32 on 32-bit.
	 */
	__u32 va_bits;
	__u32 max_physmem_bits;		/* MAX_PHYSMEM_BITS */
	__u32 section_size_bits;	/* SECTION_SIZE_BITS */
	__u32 struct_page_size;		/* sizeof(struct page) */
	__u32 nr_zones;			/* MAX_NR_ZONES */
	__u64 page_offset;		/* PAGE_OFFSET */
	__u64 phys_offset;		/* physical address at PAGE_OFFSET */
	__u64 high_memory;		/* end of the lowmem linear map */
	__u64 task_size;		/* TASK_SIZE of the caller */
	__u64 task_size_max;		/* TASK_SIZE_MAX */
	/* Raw macro values: x86_64's VMALLOC_END is the last byte. */
	__u64 vmalloc_start;		/* VMALLOC_START */
	__u64 vmalloc_end;		/* VMALLOC_END */
	__u64 modules_vaddr;		/* MODULES_VADDR */
	__u64 modules_end;		/* MODULES_END */
	__u64 vmemmap_start;		/* VMEMMAP_START (or vmemmap) */
	__u64 vmemmap_end;		/* VMEMMAP_END when defined */
	__u64 fixaddr_start;		/* FIXADDR_START */
	__u64 fixaddr_top;		/* FIXADDR_TOP: start of fixmap slot 0 */
	__u64 kasan_shadow_start;	/* KASAN_SHADOW_START */
	__u64 kasan_shadow_end;		/* KASAN_SHADOW_END */
	__u64 pkmap_base;		/* PKMAP_BASE */
	__u64 last_pkmap;		/* LAST_PKMAP (a count of pages) */
	__u64 kimage_start;		/* x86_64: __START_KERNEL_map */
	__u64 kimage_end;		/* + KERNEL_IMAGE_SIZE */
	__u64 linear_end;		/* arm64: PAGE_END */
	/*
	 * One past the highest pfn spanned by an online node (max_pfn
	 * itself is not exported to modules), and totalram_pages().
	 */
	__u64 max_pfn;
	__u64 totalram_pages;
	struct vas_probe_kaslr kaslr;
};

/* ---- VAS_PROBE_IOC_ADDRS: where kernel allocations land ---- */

/* vas_probe_addr.flags */
#define VAS_PROBE_A_VIRT_ADDR_VALID	_BITUL(0)  /* virt_addr_valid(kva) */
#define VAS_PROBE_A_VMALLOC_ADDR	_BITUL(1)  /* is_vmalloc_addr(kva) */
#define VAS_PROBE_A_PA			_BITUL(2)  /* pa is known */
#define VAS_PROBE_A_LINEAR		_BITUL(3)  /* linear is known */
#define VAS_PROBE_A_HIGHMEM		_BITUL(4)  /* the page is HighMem */
#define VAS_PROBE_A_KMAP		_BITUL(5)  /* kmap is known */

struct vas_probe_addr {
	__u64 kva;		/* kernel virtual address (0: none) */
	__u64 pa;		/* its physical address */
	__u64 linear;		/* __va(pa): its linear-map alias, lowmem only */
	__u64 kmap;		/* highmem_page: kmap()'s address (PKMAP) */
	__u32 flags;		/* VAS_PROBE_A_* */
	__u32 reserved;
};

/*
 * Each buffer is allocated for the request and freed before it returns:
 * the addresses are facts about the layout, not live pointers.
 */
struct vas_probe_addrs {
	__u32 size;
	__u32 flags;
	struct vas_probe_addr kmalloc;		/* kmalloc(64) */
	struct vas_probe_addr vmalloc;		/* vmalloc(PAGE_SIZE) */
	struct vas_probe_addr module_text;	/* a function of the module */
	struct vas_probe_addr lowmem_page;	/* alloc_page(GFP_KERNEL) */
	struct vas_probe_addr highmem_page;	/* alloc_page(GFP_HIGHUSER) */
};

/* ---- VAS_PROBE_IOC_WALK: the caller's page tables, page by page ---- */

/* vas_probe_pte.flags (and .valid: which of them this entry reports) */
#define VAS_PROBE_PTE_VMA	_BITUL(0)  /* the page lies in a VMA */
#define VAS_PROBE_PTE_PRESENT	_BITUL(1)  /* hardware-valid translation */
#define VAS_PROBE_PTE_MAPPED	_BITUL(2)  /* *_present(): also PROT_NONE */
#define VAS_PROBE_PTE_SWAP	_BITUL(3)  /* non-present, non-empty entry */
#define VAS_PROBE_PTE_WRITE	_BITUL(4)
#define VAS_PROBE_PTE_USER	_BITUL(5)
#define VAS_PROBE_PTE_DIRTY	_BITUL(6)
#define VAS_PROBE_PTE_ACCESSED	_BITUL(7)
#define VAS_PROBE_PTE_NOEXEC	_BITUL(8)
#define VAS_PROBE_PTE_HUGE	_BITUL(9)  /* leaf above the PTE level */
#define VAS_PROBE_PTE_ZERO	_BITUL(10) /* the shared zero page */
#define VAS_PROBE_PTE_PAGE	_BITUL(11) /* pfn has a struct page */

#define VAS_PROBE_ZONE_UNKNOWN	0xff

struct vas_probe_pte {
	__u64 pfn;		/* when MAPPED or PRESENT */
	__u32 flags;		/* VAS_PROBE_PTE_* */
	__u32 valid;		/* VAS_PROBE_PTE_* bits reported */
	__s32 node;		/* node of the page (PAGE), else -1 */
	/*
	 * Level of the entry the walk ended on: 1 PTE, 2 PMD, 3 PUD,
	 * 4 P4D, 5 PGD (folded levels included); 0 when not walked.
	 */
	__u8 level;
	__u8 leaf_shift;	/* log2 of the size a leaf maps */
	__u8 zone;		/* zone index (PAGE), else ZONE_UNKNOWN */
	__u8 reserved;
};

/*
 * Walk [addr, addr + nr_pages * PAGE_SIZE) of the caller's mm into
 * entries[nr_pages]. Unmapped pages are reported (flags 0), not refused.
 * EINVAL: addr not page-aligned, nr_pages 0, entry_size wrong;
 * E2BIG: nr_pages > VAS_PROBE_WALK_MAX; EFAULT: the range is not inside
 * [0, TASK_SIZE) or entries cannot be written; EINTR: killed while
 * waiting for the mmap lock.
 */
struct vas_probe_walk {
	__u32 size;
	__u32 flags;
	__u64 addr;
	__u64 nr_pages;
	__u64 entries;		/* user pointer to struct vas_probe_pte[] */
	__u32 entry_size;	/* sizeof(struct vas_probe_pte) */
	__u32 reserved;
};

/* ---- VAS_PROBE_IOC_VMA: the VMA at an address of the caller ---- */

/* vas_probe_vma.vflags */
#define VAS_PROBE_VMA_READ		_BITULL(0)
#define VAS_PROBE_VMA_WRITE		_BITULL(1)
#define VAS_PROBE_VMA_EXEC		_BITULL(2)
#define VAS_PROBE_VMA_SHARED		_BITULL(3)
#define VAS_PROBE_VMA_MAYSHARE		_BITULL(4)
#define VAS_PROBE_VMA_GROWSDOWN		_BITULL(5)
#define VAS_PROBE_VMA_LOCKED		_BITULL(6)
#define VAS_PROBE_VMA_LOCKONFAULT	_BITULL(7)
#define VAS_PROBE_VMA_HUGEPAGE		_BITULL(8)
#define VAS_PROBE_VMA_NOHUGEPAGE	_BITULL(9)
#define VAS_PROBE_VMA_DONTCOPY		_BITULL(10)
#define VAS_PROBE_VMA_WIPEONFORK	_BITULL(11)
#define VAS_PROBE_VMA_DONTDUMP		_BITULL(12)
#define VAS_PROBE_VMA_DONTEXPAND	_BITULL(13)
#define VAS_PROBE_VMA_IO		_BITULL(14)
#define VAS_PROBE_VMA_PFNMAP		_BITULL(15)
#define VAS_PROBE_VMA_MIXEDMAP		_BITULL(16)
#define VAS_PROBE_VMA_HUGETLB		_BITULL(17)
#define VAS_PROBE_VMA_ACCOUNT		_BITULL(18)
#define VAS_PROBE_VMA_NORESERVE		_BITULL(19)
#define VAS_PROBE_VMA_SEQ_READ		_BITULL(20)
#define VAS_PROBE_VMA_RAND_READ		_BITULL(21)
#define VAS_PROBE_VMA_MERGEABLE		_BITULL(22)
#define VAS_PROBE_VMA_SOFTDIRTY		_BITULL(23)
#define VAS_PROBE_VMA_ANON		_BITULL(24)	/* vma_is_anonymous */
#define VAS_PROBE_VMA_FILE		_BITULL(25)	/* has vm_file */

/*
 * The VMA containing addr (any address in [0, TASK_SIZE)).
 * ENOENT: no VMA contains addr; EFAULT: addr >= TASK_SIZE.
 */
struct vas_probe_vma {
	__u32 size;
	__u32 flags;
	__u64 addr;		/* in */
	__u64 start;		/* out: vm_start */
	__u64 end;		/* out: vm_end */
	__u64 pgoff;		/* out: vm_pgoff */
	__u64 vm_flags;		/* out: raw vm_flags (kernel-internal bits) */
	__u64 vflags;		/* out: VAS_PROBE_VMA_* */
};

/* ---- VAS_PROBE_IOC_MM: the caller's mm counters (pages unless noted) ---- */
struct vas_probe_mm {
	__u32 size;
	__u32 flags;
	__u64 anon_rss;
	__u64 file_rss;
	__u64 shmem_rss;
	__u64 swap_ents;
	__u64 total_vm;
	__u64 locked_vm;
	__u64 pinned_vm;
	__u64 data_vm;
	__u64 exec_vm;
	__u64 stack_vm;
	__u64 hiwater_rss;
	__u64 hiwater_vm;
	__u64 map_count;	/* number of VMAs */
	__u64 task_size;	/* addresses, bytes */
	__u64 mmap_base;
	__u64 start_code;
	__u64 end_code;
	__u64 start_data;
	__u64 end_data;
	__u64 start_brk;
	__u64 brk;
	__u64 start_stack;
};

/* ---- VAS_PROBE_IOC_NODES / _ZONES: online nodes and their zones ---- */
struct vas_probe_node {
	__s32 nid;
	__u32 reserved;
	__u64 start_pfn;
	__u64 spanned;		/* pages */
	__u64 present;		/* pages */
};

/* Every zone of every online node (MAX_NR_ZONES each), empty ones too. */
struct vas_probe_zone {
	__s32 nid;
	__u32 idx;		/* zone index in the node */
	char name[VAS_PROBE_ZONE_NAME];
	__u64 start_pfn;
	__u64 spanned;
	__u64 present;
	__u64 managed;
	__u64 free;		/* NR_FREE_PAGES */
};

/*
 * Fills up to capacity entries and sets count to the number there are
 * (capacity 0 and entries 0 only count). E2BIG: capacity >
 * VAS_PROBE_LIST_MAX; EINVAL: entry_size wrong.
 */
struct vas_probe_list {
	__u32 size;
	__u32 flags;
	__u64 entries;		/* user pointer to the entries */
	__u32 entry_size;	/* sizeof(struct vas_probe_node / _zone) */
	__u32 capacity;		/* in: entries room */
	__u32 count;		/* out: entries there are */
	__u32 reserved;
};

/* ---- VAS_PROBE_IOC_KSTACK: where this syscall runs on the task stack ---- */

/* vas_probe_kstack.kflags */
#define VAS_PROBE_KS_VMAP_STACK	_BITUL(0)	/* CONFIG_VMAP_STACK */

struct vas_probe_kstack {
	__u32 size;
	__u32 flags;
	__u64 sp;		/* a local variable of the ioctl handler */
	__u64 stack_base;	/* lowest address of the task stack */
	__u64 offset;		/* sp - stack_base */
	__u32 thread_size;	/* THREAD_SIZE */
	__u32 kflags;		/* VAS_PROBE_KS_* */
};

#define VAS_PROBE_IOC_INFO	_IOWR(VAS_PROBE_IOC_MAGIC, 0, struct vas_probe_info)
#define VAS_PROBE_IOC_LAYOUT	_IOWR(VAS_PROBE_IOC_MAGIC, 1, struct vas_probe_layout)
#define VAS_PROBE_IOC_ADDRS	_IOWR(VAS_PROBE_IOC_MAGIC, 2, struct vas_probe_addrs)
#define VAS_PROBE_IOC_WALK	_IOWR(VAS_PROBE_IOC_MAGIC, 3, struct vas_probe_walk)
#define VAS_PROBE_IOC_VMA	_IOWR(VAS_PROBE_IOC_MAGIC, 4, struct vas_probe_vma)
#define VAS_PROBE_IOC_MM	_IOWR(VAS_PROBE_IOC_MAGIC, 5, struct vas_probe_mm)
#define VAS_PROBE_IOC_NODES	_IOWR(VAS_PROBE_IOC_MAGIC, 6, struct vas_probe_list)
#define VAS_PROBE_IOC_ZONES	_IOWR(VAS_PROBE_IOC_MAGIC, 7, struct vas_probe_list)
#define VAS_PROBE_IOC_KSTACK	_IOWR(VAS_PROBE_IOC_MAGIC, 8, struct vas_probe_kstack)

#endif /* _UAPI_VAS_PROBE_H */
