// SPDX-License-Identifier: GPL-2.0
/*
 * vas_probe: the vas selftests' window into what user space cannot see:
 * the kernel's virtual memory layout, where kernel allocations land, the
 * calling process's page tables, VMA flags and mm counters, node and zone
 * spans, and the kernel stack offset of a syscall.
 *
 * Interface: kmod/vas_probe.h. Root only: /dev/vas_probe is mode 0600 and
 * open and every ioctl check CAP_SYS_ADMIN. Every request is validated;
 * nothing is walked but the caller's own mm, under mmap_read_lock, with
 * interrupts off around each lockless page-table read (as GUP-fast and
 * perf_get_page_size() do), and results are copied out after unlocking.
 *
 * Only symbols exported to modules by Debian's 6.1 and 6.12 kernels are
 * used: what is not exported (max_pfn, kaslr_enabled()...) is derived or
 * reported as unknown. Architecture specifics sit behind CONFIG_X86_64,
 * CONFIG_X86_32, CONFIG_ARM64 and CONFIG_ARM; a field an architecture does
 * not give keeps its "valid" bit clear.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/nodemask.h>
#include <linux/pgtable.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#if defined(CONFIG_X86) || defined(CONFIG_ARM64) || defined(CONFIG_ARM)
#include <asm/fixmap.h>
#endif
#ifdef CONFIG_KASAN
#include <linux/kasan.h>
#endif

#include "vas_probe.h"

/*
 * The pid of the process that loaded the module, as that process says:
 * the vas client unloads at exit only a module its own run loaded.
 */
static int owner;
module_param(owner, int, 0444);
MODULE_PARM_DESC(owner, "pid of the vas process that loaded the module");

/*
 * Fault injection (vas_probe.h, VAS_PROBE_FAULTS): at most one answer
 * falsified, so that the tests can show they catch it. The names here
 * and their order are the uapi list's.
 */
enum vas_fault {
	VAS_FAULT_NONE,
	VAS_FAULT_TASK_SIZE,
	VAS_FAULT_VMALLOC,
	VAS_FAULT_TEXT,
	VAS_FAULT_KSTACK,
	VAS_FAULT_ABSENT,
	VAS_FAULT_NODE,
	VAS_FAULT_ZONES,
	VAS_FAULT_LOCKED,
	VAS_FAULT_ANON_RSS,
	VAS_FAULT_PINNED,
	VAS_FAULT_COUNT
};

static const char * const vas_fault_names[VAS_FAULT_COUNT] = {
	[VAS_FAULT_NONE] = "none",
	[VAS_FAULT_TASK_SIZE] = "task_size",
	[VAS_FAULT_VMALLOC] = "vmalloc",
	[VAS_FAULT_TEXT] = "text",
	[VAS_FAULT_KSTACK] = "kstack",
	[VAS_FAULT_ABSENT] = "absent",
	[VAS_FAULT_NODE] = "node",
	[VAS_FAULT_ZONES] = "zones",
	[VAS_FAULT_LOCKED] = "locked",
	[VAS_FAULT_ANON_RSS] = "anon_rss",
	[VAS_FAULT_PINNED] = "pinned",
};

static int vas_fault_state;

static int vas_fault_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(vas_fault_names, val);

	if (i < 0)
		return -EINVAL;
	WRITE_ONCE(vas_fault_state, i);
	if (i != VAS_FAULT_NONE)
		pr_notice("fault injection: '%s' answers are now false\n",
			  vas_fault_names[i]);
	return 0;
}

static int vas_fault_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", vas_fault_names[READ_ONCE(vas_fault_state)]);
}

static const struct kernel_param_ops vas_fault_ops = {
	.set = vas_fault_set,
	.get = vas_fault_get,
};

module_param_cb(fault, &vas_fault_ops, NULL, 0600);
MODULE_PARM_DESC(fault, "falsify one answer (tests of the tests): " VAS_PROBE_FAULTS);

static bool vas_fault(enum vas_fault f)
{
	return READ_ONCE(vas_fault_state) == f;
}

/* Pages walked per mmap_read_lock hold (and per copy_to_user). */
#define VAS_WALK_CHUNK	256

/* Copy a request in and check its size and flags header. */
static int vas_copy_req(void *req, const void __user *uarg, size_t len)
{
	const u32 *hdr = req;

	if (copy_from_user(req, uarg, len))
		return -EFAULT;
	if (hdr[0] != len || hdr[1])
		return -EINVAL;
	return 0;
}

/* For output-only requests: validate, then start from zero. */
static int vas_take_req(void *req, const void __user *uarg, size_t len)
{
	u32 *hdr = req;
	int ret = vas_copy_req(req, uarg, len);

	if (ret)
		return ret;
	memset(req, 0, len);
	hdr[0] = len;
	return 0;
}

static int vas_put(void __user *uarg, const void *req, size_t len)
{
	return copy_to_user(uarg, req, len) ? -EFAULT : 0;
}

/* True when [addr, addr + len) lies inside the caller's user space. */
static bool vas_user_range(u64 addr, u64 len)
{
	u64 top = TASK_SIZE;

	return addr < top && len <= top - addr;
}

static u32 vas_arch(void)
{
	if (IS_ENABLED(CONFIG_X86_64))
		return VAS_PROBE_ARCH_X86_64;
	if (IS_ENABLED(CONFIG_X86_32))
		return VAS_PROBE_ARCH_X86_32;
	if (IS_ENABLED(CONFIG_ARM64))
		return VAS_PROBE_ARCH_ARM64;
	if (IS_ENABLED(CONFIG_ARM))
		return VAS_PROBE_ARCH_ARM;
	return VAS_PROBE_ARCH_OTHER;
}

/* ---- INFO ---- */

static long vas_info(void __user *uarg)
{
	struct vas_probe_info r;
	int ret = vas_take_req(&r, uarg, sizeof(r));

	if (ret)
		return ret;
	r.abi = VAS_PROBE_ABI;
	r.arch = vas_arch();
	r.long_bits = BITS_PER_LONG;
	r.page_size = PAGE_SIZE;
	return vas_put(uarg, &r, sizeof(r));
}

/* ---- LAYOUT ---- */

/* Page-table levels in force and the width of each address-space half. */
static void vas_layout_paging(struct vas_probe_layout *l)
{
	l->pgtable_levels = CONFIG_PGTABLE_LEVELS;
	l->va_bits = BITS_PER_LONG;
#if defined(CONFIG_X86_64)
	/* Documentation/arch/x86/x86_64/mm.rst: 4-level 47, 5-level 56. */
	l->pgtable_levels = pgtable_l5_enabled() ? 5 : 4;
	l->va_bits = pgtable_l5_enabled() ? 56 : 47;
#elif defined(CONFIG_ARM64)
	/* Documentation/arch/arm64/memory.rst: PAGE_OFFSET = -2^VA_BITS. */
	l->va_bits = VA_BITS;
#endif
	l->pgdir_shift = PGDIR_SHIFT;
}

static void vas_layout_kaslr(struct vas_probe_kaslr *k)
{
	if (IS_ENABLED(CONFIG_RANDOMIZE_BASE))
		k->flags |= VAS_PROBE_K_CONFIG_BASE;
	if (IS_ENABLED(CONFIG_RANDOMIZE_MEMORY))
		k->flags |= VAS_PROBE_K_CONFIG_MEMORY;
	if (IS_ENABLED(CONFIG_RANDOMIZE_KSTACK_OFFSET))
		k->flags |= VAS_PROBE_K_CONFIG_KSTACK;
	if (IS_ENABLED(CONFIG_RANDOMIZE_KSTACK_OFFSET_DEFAULT))
		k->flags |= VAS_PROBE_K_KSTACK_DEFAULT_ON;
	k->kernel_text = (unsigned long)&kfree;
#ifdef CONFIG_X86_64
	k->phys_base = phys_base;
	k->flags |= VAS_PROBE_K_PHYS_BASE;
	k->page_offset_base = PAGE_OFFSET;
	k->vmalloc_base = VMALLOC_START;
	k->vmemmap_base = (unsigned long)VMEMMAP_START;
	if (pgtable_l5_enabled()) {
		k->page_offset_default = __PAGE_OFFSET_BASE_L5;
		k->vmalloc_default = __VMALLOC_BASE_L5;
		k->vmemmap_default = __VMEMMAP_BASE_L5;
	} else {
		k->page_offset_default = __PAGE_OFFSET_BASE_L4;
		k->vmalloc_default = __VMALLOC_BASE_L4;
		k->vmemmap_default = __VMEMMAP_BASE_L4;
	}
	k->flags |= VAS_PROBE_K_BASES;
	if (k->page_offset_base != k->page_offset_default ||
	    k->vmalloc_base != k->vmalloc_default ||
	    k->vmemmap_base != k->vmemmap_default)
		k->flags |= VAS_PROBE_K_BASES_RANDOMIZED;
#endif
}

/* max_pfn is not exported: the end of the highest node span stands in. */
static u64 vas_max_pfn(void)
{
	u64 max = 0;
	int nid;

	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		max = max_t(u64, max, pgdat->node_start_pfn +
			    pgdat->node_spanned_pages);
	}
	return max;
}

static void vas_layout_regions(struct vas_probe_layout *l)
{
	l->page_offset = PAGE_OFFSET;
	l->phys_offset = __pa(PAGE_OFFSET);
	l->valid |= VAS_PROBE_L_PHYS_OFFSET;
	l->high_memory = (unsigned long)high_memory;
	l->task_size = TASK_SIZE;
#ifdef TASK_SIZE_MAX
	l->task_size_max = TASK_SIZE_MAX;
	l->valid |= VAS_PROBE_L_TASK_SIZE_MAX;
#endif
	l->vmalloc_start = VMALLOC_START;
	l->vmalloc_end = VMALLOC_END;
	l->valid |= VAS_PROBE_L_VMALLOC;
#if defined(MODULES_VADDR) && defined(MODULES_END)
	l->modules_vaddr = MODULES_VADDR;
	l->modules_end = MODULES_END;
	l->valid |= VAS_PROBE_L_MODULES;
#endif
#ifdef CONFIG_SPARSEMEM_VMEMMAP
#ifdef VMEMMAP_START
	l->vmemmap_start = VMEMMAP_START;
#else
	l->vmemmap_start = (unsigned long)vmemmap;
#endif
	l->valid |= VAS_PROBE_L_VMEMMAP;
#ifdef VMEMMAP_END
	l->vmemmap_end = VMEMMAP_END;
	l->valid |= VAS_PROBE_L_VMEMMAP_END;
#endif
#endif
#if defined(FIXADDR_START) && defined(FIXADDR_TOP)
	l->fixaddr_start = FIXADDR_START;
	l->fixaddr_top = FIXADDR_TOP;
	l->valid |= VAS_PROBE_L_FIXMAP;
#endif
#if defined(CONFIG_KASAN) && defined(KASAN_SHADOW_START) && \
	defined(KASAN_SHADOW_END)
	l->kasan_shadow_start = KASAN_SHADOW_START;
	l->kasan_shadow_end = KASAN_SHADOW_END;
	l->valid |= VAS_PROBE_L_KASAN;
#endif
#ifdef CONFIG_HIGHMEM
	l->pkmap_base = PKMAP_BASE;
	l->last_pkmap = LAST_PKMAP;
	l->valid |= VAS_PROBE_L_PKMAP;
#endif
#ifdef CONFIG_X86_64
	l->kimage_start = __START_KERNEL_map;
	l->kimage_end = __START_KERNEL_map + KERNEL_IMAGE_SIZE;
	l->valid |= VAS_PROBE_L_KIMAGE;
#endif
#ifdef CONFIG_ARM64
	l->linear_end = PAGE_END;
	l->valid |= VAS_PROBE_L_LINEAR_END;
#endif
}

static long vas_layout(void __user *uarg)
{
	struct vas_probe_layout *l;
	long ret;

	l = kmalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	ret = vas_take_req(l, uarg, sizeof(*l));
	if (ret)
		goto out;
	l->arch = vas_arch();
	l->long_bits = BITS_PER_LONG;
	l->page_shift = PAGE_SHIFT;
	vas_layout_paging(l);
#ifdef MAX_PHYSMEM_BITS
	l->max_physmem_bits = MAX_PHYSMEM_BITS;
	l->valid |= VAS_PROBE_L_MAX_PHYSMEM;
#endif
#ifdef CONFIG_SPARSEMEM
	l->section_size_bits = SECTION_SIZE_BITS;
	l->valid |= VAS_PROBE_L_SPARSEMEM;
#endif
	l->struct_page_size = sizeof(struct page);
	l->nr_zones = MAX_NR_ZONES;
	vas_layout_regions(l);
	l->max_pfn = vas_max_pfn();
	l->totalram_pages = totalram_pages();
	vas_layout_kaslr(&l->kaslr);
	if (vas_fault(VAS_FAULT_TASK_SIZE))
		l->task_size += PAGE_SIZE;
	if (vas_fault(VAS_FAULT_TEXT))
		l->kaslr.kernel_text += PAGE_SIZE;
	ret = vas_put(uarg, l, sizeof(*l));
out:
	kfree(l);
	return ret;
}

/* ---- ADDRS ---- */

/* Physical address, linear alias and HighMem state of kva in page. */
static void vas_addr_page(struct vas_probe_addr *a, struct page *page,
			  unsigned long off)
{
	if (!page)
		return;
	a->pa = page_to_phys(page) + off;
	a->flags |= VAS_PROBE_A_PA;
	if (PageHighMem(page)) {
		a->flags |= VAS_PROBE_A_HIGHMEM;
		return;
	}
	a->linear = (unsigned long)__va(page_to_phys(page)) + off;
	a->flags |= VAS_PROBE_A_LINEAR;
}

static void vas_addr_kva(struct vas_probe_addr *a, const void *kva)
{
	a->kva = (unsigned long)kva;
	if (virt_addr_valid(kva))
		a->flags |= VAS_PROBE_A_VIRT_ADDR_VALID;
	if (is_vmalloc_addr(kva))
		a->flags |= VAS_PROBE_A_VMALLOC_ADDR;
}

/* A vmalloc or module address: its page through the kernel page tables. */
static void vas_addr_mapped(struct vas_probe_addr *a, const void *kva)
{
	vas_addr_kva(a, kva);
	vas_addr_page(a, vmalloc_to_page(kva), offset_in_page(kva));
}

static int vas_addr_alloc_page(struct vas_probe_addr *a, gfp_t gfp)
{
	struct page *page = alloc_page(gfp);
	void *kva;

	if (!page)
		return -ENOMEM;
	kva = page_address(page);	/* NULL for HighMem */
	if (kva)
		vas_addr_kva(a, kva);
	vas_addr_page(a, page, 0);
#ifdef CONFIG_HIGHMEM
	/*
	 * kmap() itself, not kmap_local_page(): only the former maps a
	 * HighMem page in the PKMAP window.
	 */
	if (PageHighMem(page)) {
		a->kmap = (unsigned long)kmap_high(page);
		kunmap_high(page);
	} else {
		a->kmap = (unsigned long)kva;
	}
#else
	a->kmap = (unsigned long)kva;
#endif
	a->flags |= VAS_PROBE_A_KMAP;
	__free_page(page);
	return 0;
}

static long vas_addrs(void __user *uarg)
{
	struct vas_probe_addrs r;
	void *buf;
	long ret = vas_take_req(&r, uarg, sizeof(r));

	if (ret)
		return ret;

	buf = kmalloc(64, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	vas_addr_kva(&r.kmalloc, buf);
	vas_addr_page(&r.kmalloc, virt_to_page(buf), offset_in_page(buf));
	kfree(buf);

	buf = vmalloc(PAGE_SIZE);
	if (!buf)
		return -ENOMEM;
	vas_addr_mapped(&r.vmalloc, buf);
	vfree(buf);
	if (vas_fault(VAS_FAULT_VMALLOC) && (r.vmalloc.flags & VAS_PROBE_A_LINEAR))
		r.vmalloc.kva = r.vmalloc.linear;

	vas_addr_mapped(&r.module_text, (const void *)&vas_addrs);

	ret = vas_addr_alloc_page(&r.lowmem_page, GFP_KERNEL);
	if (!ret)
		ret = vas_addr_alloc_page(&r.highmem_page, GFP_HIGHUSER);
	if (ret)
		return ret;
	return vas_put(uarg, &r, sizeof(r));
}

/* ---- WALK ---- */

/* Present, user and no-exec as the hardware sees them. */
#if defined(CONFIG_X86)
#define VAS_HW_PRESENT	_PAGE_PRESENT
#define VAS_HW_USER	_PAGE_USER
#define VAS_HW_NOEXEC	_PAGE_NX	/* 0 without PAE/NX */
#elif defined(CONFIG_ARM64)
#define VAS_HW_PRESENT	PTE_VALID
#define VAS_HW_USER	PTE_USER
#define VAS_HW_NOEXEC	PTE_UXN
#elif defined(CONFIG_ARM)
#define VAS_HW_PRESENT	L_PTE_VALID
#define VAS_HW_USER	L_PTE_USER
#define VAS_HW_NOEXEC	L_PTE_XN
#endif

#ifdef VAS_HW_PRESENT
#define VAS_ARCH_BITS	(VAS_PROBE_PTE_PRESENT | VAS_PROBE_PTE_USER | \
			 (VAS_HW_NOEXEC ? VAS_PROBE_PTE_NOEXEC : 0))
static u32 vas_arch_bits(u64 val)
{
	u32 f = 0;

	if (val & VAS_HW_PRESENT)
		f |= VAS_PROBE_PTE_PRESENT;
	if (val & VAS_HW_USER)
		f |= VAS_PROBE_PTE_USER;
	if (VAS_HW_NOEXEC && (val & VAS_HW_NOEXEC))
		f |= VAS_PROBE_PTE_NOEXEC;
	return f;
}
#else
#define VAS_ARCH_BITS	0
static u32 vas_arch_bits(u64 val)
{
	return 0;
}
#endif

#define VAS_GENERIC_BITS (VAS_PROBE_PTE_MAPPED | VAS_PROBE_PTE_SWAP | \
			  VAS_PROBE_PTE_WRITE | VAS_PROBE_PTE_DIRTY | \
			  VAS_PROBE_PTE_ACCESSED)

static void vas_walk_pfn(struct vas_probe_pte *e, unsigned long pfn)
{
	struct page *page;

	e->pfn = pfn;
	if (is_zero_pfn(pfn))
		e->flags |= VAS_PROBE_PTE_ZERO;
	if (!pfn_valid(pfn))
		return;
	page = pfn_to_page(pfn);
	e->flags |= VAS_PROBE_PTE_PAGE;
	e->node = page_to_nid(page);
	e->zone = page_zonenum(page);
}

static void vas_walk_pte(struct vas_probe_pte *e, pte_t pte)
{
	e->level = 1;
	e->leaf_shift = PAGE_SHIFT;
	e->valid |= VAS_GENERIC_BITS | VAS_ARCH_BITS;
	if (pte_none(pte))
		return;
	if (!pte_present(pte)) {
		e->flags |= VAS_PROBE_PTE_SWAP;
		return;
	}
	e->flags |= VAS_PROBE_PTE_MAPPED | vas_arch_bits(pte_val(pte));
	if (pte_write(pte))
		e->flags |= VAS_PROBE_PTE_WRITE;
	if (pte_dirty(pte))
		e->flags |= VAS_PROBE_PTE_DIRTY;
	if (pte_young(pte))
		e->flags |= VAS_PROBE_PTE_ACCESSED;
	vas_walk_pfn(e, pte_pfn(pte));
}

/* A PMD or PUD leaf: a huge page (x86, arm64, ARM LPAE report its bits). */
static void __maybe_unused vas_walk_huge(struct vas_probe_pte *e, int level,
					 u64 val, unsigned long pfn,
					 bool write, bool dirty, bool young)
{
	e->level = level;
	e->leaf_shift = level == 2 ? PMD_SHIFT : PUD_SHIFT;
	e->valid |= VAS_GENERIC_BITS | VAS_ARCH_BITS | VAS_PROBE_PTE_HUGE;
	e->flags |= VAS_PROBE_PTE_MAPPED | VAS_PROBE_PTE_HUGE |
		    vas_arch_bits(val);
	if (write)
		e->flags |= VAS_PROBE_PTE_WRITE;
	if (dirty)
		e->flags |= VAS_PROBE_PTE_DIRTY;
	if (young)
		e->flags |= VAS_PROBE_PTE_ACCESSED;
	vas_walk_pfn(e, pfn);
}

#if defined(CONFIG_X86)
static void vas_walk_pmd_leaf(struct vas_probe_pte *e, pmd_t pmd,
			      unsigned long addr)
{
	vas_walk_huge(e, 2, pmd_flags(pmd),
		      pmd_pfn(pmd) + ((addr & ~PMD_MASK) >> PAGE_SHIFT),
		      pmd_write(pmd), pmd_dirty(pmd), pmd_young(pmd));
}

static void vas_walk_pud_leaf(struct vas_probe_pte *e, pud_t pud,
			      unsigned long addr)
{
	vas_walk_huge(e, 3, pud_flags(pud),
		      pud_pfn(pud) + ((addr & ~PUD_MASK) >> PAGE_SHIFT),
		      pud_write(pud), pud_dirty(pud), pud_young(pud));
}
#elif defined(CONFIG_ARM64)
static void vas_walk_pmd_leaf(struct vas_probe_pte *e, pmd_t pmd,
			      unsigned long addr)
{
	pte_t pte = pmd_pte(pmd);

	vas_walk_huge(e, 2, pte_val(pte),
		      pmd_pfn(pmd) + ((addr & ~PMD_MASK) >> PAGE_SHIFT),
		      pte_write(pte), pte_dirty(pte), pte_young(pte));
}

static void vas_walk_pud_leaf(struct vas_probe_pte *e, pud_t pud,
			      unsigned long addr)
{
	pte_t pte = pud_pte(pud);

	vas_walk_huge(e, 3, pte_val(pte),
		      pud_pfn(pud) + ((addr & ~PUD_MASK) >> PAGE_SHIFT),
		      pte_write(pte), pte_dirty(pte), pte_young(pte));
}
#else
#if defined(CONFIG_ARM_LPAE)
/*
 * 32-bit ARM with LPAE (THP): a section entry keeps the valid, user and
 * XN bits where a PTE has them (pgtable-3level-hwdef.h), and
 * pgtable-3level.h reads its write, dirty and young bits and its pfn.
 */
static void vas_walk_pmd_leaf(struct vas_probe_pte *e, pmd_t pmd,
			      unsigned long addr)
{
	vas_walk_huge(e, 2, pmd_val(pmd),
		      pmd_pfn(pmd) + ((addr & ~PMD_MASK) >> PAGE_SHIFT),
		      pmd_write(pmd), pmd_dirty(pmd), pmd_young(pmd));
}
#else
/* Other architectures: level and size only; the bits stay unreported. */
static void vas_walk_pmd_leaf(struct vas_probe_pte *e, pmd_t pmd,
			      unsigned long addr)
{
	e->level = 2;
	e->leaf_shift = PMD_SHIFT;
	e->valid |= VAS_PROBE_PTE_HUGE | VAS_PROBE_PTE_MAPPED;
	e->flags |= VAS_PROBE_PTE_HUGE | VAS_PROBE_PTE_MAPPED;
}
#endif

static void vas_walk_pud_leaf(struct vas_probe_pte *e, pud_t pud,
			      unsigned long addr)
{
	e->level = 3;
	e->leaf_shift = PUD_SHIFT;
	e->valid |= VAS_PROBE_PTE_HUGE | VAS_PROBE_PTE_MAPPED;
	e->flags |= VAS_PROBE_PTE_HUGE | VAS_PROBE_PTE_MAPPED;
}
#endif

/*
 * One page of mm, read locklessly: the caller holds mmap_read_lock and
 * has interrupts off, which keeps page tables from being freed under us
 * (see perf_get_page_size()). Nothing here sleeps or takes a lock.
 */
static void vas_walk_one(struct mm_struct *mm, unsigned long addr,
			 struct vas_probe_pte *e)
{
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	pte_t *ptes;
	pte_t pte;

	e->level = 5;
	pgdp = pgd_offset(mm, addr);
	pgd = READ_ONCE(*pgdp);
	if (pgd_none(pgd) || pgd_leaf(pgd))
		return;
	e->level = 4;
	p4dp = p4d_offset_lockless(pgdp, pgd, addr);
	p4d = READ_ONCE(*p4dp);
	if (!p4d_present(p4d) || p4d_leaf(p4d))
		return;
	e->level = 3;
	pudp = pud_offset_lockless(p4dp, p4d, addr);
	pud = READ_ONCE(*pudp);
	if (pud_none(pud))
		return;
	if (!pud_present(pud)) {
		e->flags |= VAS_PROBE_PTE_SWAP;
		e->valid |= VAS_PROBE_PTE_SWAP;
		return;
	}
	if (pud_leaf(pud)) {
		vas_walk_pud_leaf(e, pud, addr);
		return;
	}
	e->level = 2;
	pmdp = pmd_offset_lockless(pudp, pud, addr);
	pmd = READ_ONCE(*pmdp);
	if (pmd_none(pmd))
		return;
	if (!pmd_present(pmd)) {
		/* A THP under migration, for instance. */
		e->flags |= VAS_PROBE_PTE_SWAP;
		e->valid |= VAS_PROBE_PTE_SWAP;
		return;
	}
	if (pmd_leaf(pmd)) {
		vas_walk_pmd_leaf(e, pmd, addr);
		return;
	}
	/* PTE pages may be HighMem (CONFIG_HIGHPTE): map them locally. */
	ptes = kmap_local_page(pmd_page(pmd));
	pte = ptep_get_lockless(ptes + pte_index(addr));
	kunmap_local(ptes);
	vas_walk_pte(e, pte);
}

/* n pages from addr into out[]; the caller holds mmap_read_lock. */
static void vas_walk_chunk(struct mm_struct *mm, unsigned long addr,
			   unsigned long n, struct vas_probe_pte *out,
			   bool *hid)
{
	struct vm_area_struct *vma = NULL;
	unsigned long i, flags;

	for (i = 0; i < n; i++, addr += PAGE_SIZE) {
		struct vas_probe_pte *e = &out[i];

		memset(e, 0, sizeof(*e));
		e->node = NUMA_NO_NODE;
		e->zone = VAS_PROBE_ZONE_UNKNOWN;
		e->valid = VAS_PROBE_PTE_VMA;
		if (!vma || addr >= vma->vm_end)
			vma = find_vma(mm, addr);
		if (vma && vma->vm_start <= addr)
			e->flags |= VAS_PROBE_PTE_VMA;
		local_irq_save(flags);
		vas_walk_one(mm, addr, e);
		local_irq_restore(flags);
		if (vas_fault(VAS_FAULT_NODE) && e->node != NUMA_NO_NODE)
			e->node++;
		if (vas_fault(VAS_FAULT_ABSENT) && !*hid &&
		    (e->flags & VAS_PROBE_PTE_PRESENT)) {
			e->flags &= ~(VAS_PROBE_PTE_PRESENT | VAS_PROBE_PTE_MAPPED);
			*hid = true;
		}
	}
}

static long vas_walk(void __user *uarg)
{
	struct mm_struct *mm = current->mm;
	struct vas_probe_pte __user *out;
	struct vas_probe_pte *buf;
	struct vas_probe_walk r;
	unsigned long done, n;
	bool hid = false;
	long ret = vas_copy_req(&r, uarg, sizeof(r));

	if (ret)
		return ret;
	if (r.reserved || r.entry_size != sizeof(*buf) || !r.nr_pages ||
	    offset_in_page(r.addr))
		return -EINVAL;
	if (r.nr_pages > VAS_PROBE_WALK_MAX)
		return -E2BIG;
	if (!vas_user_range(r.addr, r.nr_pages << PAGE_SHIFT))
		return -EFAULT;
	if (!mm)
		return -ESRCH;

	buf = kmalloc_array(VAS_WALK_CHUNK, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	out = u64_to_user_ptr(r.entries);
	for (done = 0; done < r.nr_pages; done += n) {
		n = min_t(unsigned long, r.nr_pages - done, VAS_WALK_CHUNK);
		if (mmap_read_lock_killable(mm)) {
			ret = -EINTR;
			break;
		}
		vas_walk_chunk(mm, r.addr + (done << PAGE_SHIFT), n, buf, &hid);
		mmap_read_unlock(mm);
		/* Outside the lock: copying may fault in the caller's pages. */
		if (copy_to_user(out + done, buf, n * sizeof(*buf))) {
			ret = -EFAULT;
			break;
		}
		cond_resched();
	}
	kfree(buf);
	return ret;
}

/* ---- VMA ---- */

static const struct {
	unsigned long vm;
	u64 vas;
} vas_vma_bits[] = {
	{ VM_READ, VAS_PROBE_VMA_READ },
	{ VM_WRITE, VAS_PROBE_VMA_WRITE },
	{ VM_EXEC, VAS_PROBE_VMA_EXEC },
	{ VM_SHARED, VAS_PROBE_VMA_SHARED },
	{ VM_MAYSHARE, VAS_PROBE_VMA_MAYSHARE },
	{ VM_GROWSDOWN, VAS_PROBE_VMA_GROWSDOWN },
	{ VM_LOCKED, VAS_PROBE_VMA_LOCKED },
	{ VM_LOCKONFAULT, VAS_PROBE_VMA_LOCKONFAULT },
	{ VM_HUGEPAGE, VAS_PROBE_VMA_HUGEPAGE },
	{ VM_NOHUGEPAGE, VAS_PROBE_VMA_NOHUGEPAGE },
	{ VM_DONTCOPY, VAS_PROBE_VMA_DONTCOPY },
	{ VM_WIPEONFORK, VAS_PROBE_VMA_WIPEONFORK },
	{ VM_DONTDUMP, VAS_PROBE_VMA_DONTDUMP },
	{ VM_DONTEXPAND, VAS_PROBE_VMA_DONTEXPAND },
	{ VM_IO, VAS_PROBE_VMA_IO },
	{ VM_PFNMAP, VAS_PROBE_VMA_PFNMAP },
	{ VM_MIXEDMAP, VAS_PROBE_VMA_MIXEDMAP },
	{ VM_HUGETLB, VAS_PROBE_VMA_HUGETLB },
	{ VM_ACCOUNT, VAS_PROBE_VMA_ACCOUNT },
	{ VM_NORESERVE, VAS_PROBE_VMA_NORESERVE },
	{ VM_SEQ_READ, VAS_PROBE_VMA_SEQ_READ },
	{ VM_RAND_READ, VAS_PROBE_VMA_RAND_READ },
	{ VM_MERGEABLE, VAS_PROBE_VMA_MERGEABLE },
	{ VM_SOFTDIRTY, VAS_PROBE_VMA_SOFTDIRTY },	/* 0 without the config */
};

static long vas_vma(void __user *uarg)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct vas_probe_vma r;
	unsigned long vm_flags;
	size_t i;
	long ret = vas_copy_req(&r, uarg, sizeof(r));

	if (ret)
		return ret;
	if (!vas_user_range(r.addr, 1))
		return -EFAULT;
	if (!mm)
		return -ESRCH;
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma = find_vma(mm, r.addr);
	if (!vma || vma->vm_start > r.addr) {
		mmap_read_unlock(mm);
		return -ENOENT;
	}
	vm_flags = vma->vm_flags;
	r.start = vma->vm_start;
	r.end = vma->vm_end;
	r.pgoff = vma->vm_pgoff;
	r.vm_flags = vm_flags;
	r.vflags = 0;
	for (i = 0; i < ARRAY_SIZE(vas_vma_bits); i++)
		if (vas_vma_bits[i].vm && (vm_flags & vas_vma_bits[i].vm))
			r.vflags |= vas_vma_bits[i].vas;
	if (vma_is_anonymous(vma))
		r.vflags |= VAS_PROBE_VMA_ANON;
	if (vma->vm_file)
		r.vflags |= VAS_PROBE_VMA_FILE;
	if (vas_fault(VAS_FAULT_LOCKED))
		r.vflags &= ~VAS_PROBE_VMA_LOCKED;
	mmap_read_unlock(mm);
	return vas_put(uarg, &r, sizeof(r));
}

/* ---- MM ---- */

static long vas_mm(void __user *uarg)
{
	struct mm_struct *mm = current->mm;
	struct vas_probe_mm r;
	long ret = vas_take_req(&r, uarg, sizeof(r));

	if (ret)
		return ret;
	if (!mm)
		return -ESRCH;
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	r.anon_rss = get_mm_counter(mm, MM_ANONPAGES);
	r.file_rss = get_mm_counter(mm, MM_FILEPAGES);
	r.shmem_rss = get_mm_counter(mm, MM_SHMEMPAGES);
	r.swap_ents = get_mm_counter(mm, MM_SWAPENTS);
	r.total_vm = mm->total_vm;
	r.locked_vm = mm->locked_vm;
	r.pinned_vm = atomic64_read(&mm->pinned_vm);
	r.data_vm = mm->data_vm;
	r.exec_vm = mm->exec_vm;
	r.stack_vm = mm->stack_vm;
	r.hiwater_rss = get_mm_hiwater_rss(mm);
	r.hiwater_vm = get_mm_hiwater_vm(mm);
	r.map_count = mm->map_count;
	r.task_size = mm->task_size;
	r.mmap_base = mm->mmap_base;
	r.start_code = mm->start_code;
	r.end_code = mm->end_code;
	r.start_data = mm->start_data;
	r.end_data = mm->end_data;
	r.start_brk = mm->start_brk;
	r.brk = mm->brk;
	r.start_stack = mm->start_stack;
	mmap_read_unlock(mm);
	if (vas_fault(VAS_FAULT_ANON_RSS))
		r.anon_rss *= 2;
	if (vas_fault(VAS_FAULT_PINNED))
		r.pinned_vm = 0;
	return vas_put(uarg, &r, sizeof(r));
}

/* ---- NODES, ZONES ---- */

/* The list header's checks; the number of entries to fill, or -errno. */
static long vas_list_req(struct vas_probe_list *r, const void __user *uarg,
			 size_t entry_size)
{
	long ret = vas_copy_req(r, uarg, sizeof(*r));

	if (ret)
		return ret;
	if (r->reserved || r->entry_size != entry_size)
		return -EINVAL;
	if (r->capacity > VAS_PROBE_LIST_MAX)
		return -E2BIG;
	r->count = 0;
	return r->capacity;
}

static long vas_list_put(void __user *uarg, struct vas_probe_list *r,
			 const void *buf, size_t filled, size_t entry_size)
{
	if (filled &&
	    copy_to_user(u64_to_user_ptr(r->entries), buf, filled * entry_size))
		return -EFAULT;
	return vas_put(uarg, r, sizeof(*r));
}

static long vas_nodes(void __user *uarg)
{
	struct vas_probe_list r;
	struct vas_probe_node *buf = NULL;
	size_t n = 0;
	long cap = vas_list_req(&r, uarg, sizeof(*buf));
	int nid;

	if (cap < 0)
		return cap;
	if (cap) {
		buf = kvcalloc(cap, sizeof(*buf), GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		if (n < cap) {
			buf[n].nid = nid;
			buf[n].start_pfn = pgdat->node_start_pfn;
			buf[n].spanned = pgdat->node_spanned_pages;
			buf[n].present = pgdat->node_present_pages;
			n++;
		}
		r.count++;
	}
	cap = vas_list_put(uarg, &r, buf, n, sizeof(*buf));
	kvfree(buf);
	return cap;
}

static long vas_zones(void __user *uarg)
{
	struct vas_probe_list r;
	struct vas_probe_zone *buf = NULL;
	size_t n = 0;
	long cap = vas_list_req(&r, uarg, sizeof(*buf));
	bool short_one = vas_fault(VAS_FAULT_ZONES);
	int nid, i;

	if (cap < 0)
		return cap;
	if (cap) {
		buf = kvcalloc(cap, sizeof(*buf), GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		for (i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *z = &pgdat->node_zones[i];
			struct vas_probe_zone *e;

			r.count++;
			if (n >= cap)
				continue;
			e = &buf[n];
			e->nid = nid;
			e->idx = i;
			strscpy(e->name, z->name ?: "", sizeof(e->name));
			e->start_pfn = z->zone_start_pfn;
			e->spanned = z->spanned_pages;
			e->present = z->present_pages;
			e->managed = zone_managed_pages(z);
			e->free = zone_page_state(z, NR_FREE_PAGES);
			if (short_one && e->present) {
				e->present--;
				short_one = false;
			}
			n++;
		}
	}
	cap = vas_list_put(uarg, &r, buf, n, sizeof(*buf));
	kvfree(buf);
	return cap;
}

/* ---- KSTACK ---- */

static long vas_kstack(void __user *uarg)
{
	struct vas_probe_kstack r;
	long ret = vas_take_req(&r, uarg, sizeof(r));

	if (ret)
		return ret;
	/* This handler's frame: where it sits on the task stack. */
	r.sp = (unsigned long)__builtin_frame_address(0);
	r.stack_base = (unsigned long)task_stack_page(current);
	if (vas_fault(VAS_FAULT_KSTACK))
		r.sp = r.stack_base + THREAD_SIZE / 2;
	r.offset = r.sp - r.stack_base;
	r.thread_size = THREAD_SIZE;
	if (IS_ENABLED(CONFIG_VMAP_STACK))
		r.kflags |= VAS_PROBE_KS_VMAP_STACK;
	return vas_put(uarg, &r, sizeof(r));
}

/* ---- the device ---- */

static long vas_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case VAS_PROBE_IOC_INFO:
		return vas_info(uarg);
	case VAS_PROBE_IOC_LAYOUT:
		return vas_layout(uarg);
	case VAS_PROBE_IOC_ADDRS:
		return vas_addrs(uarg);
	case VAS_PROBE_IOC_WALK:
		return vas_walk(uarg);
	case VAS_PROBE_IOC_VMA:
		return vas_vma(uarg);
	case VAS_PROBE_IOC_MM:
		return vas_mm(uarg);
	case VAS_PROBE_IOC_NODES:
		return vas_nodes(uarg);
	case VAS_PROBE_IOC_ZONES:
		return vas_zones(uarg);
	case VAS_PROBE_IOC_KSTACK:
		return vas_kstack(uarg);
	default:
		return -ENOTTY;
	}
}

static int vas_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return nonseekable_open(inode, file);
}

static const struct file_operations vas_fops = {
	.owner = THIS_MODULE,
	.open = vas_open,
	.unlocked_ioctl = vas_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice vas_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = VAS_PROBE_NAME,
	.fops = &vas_fops,
	.mode = 0600,
};

static int __init vas_probe_init(void)
{
	/* The same layout for 32-bit and 64-bit callers (compat_ioctl). */
	BUILD_BUG_ON(sizeof(struct vas_probe_info) != 24);
	BUILD_BUG_ON(sizeof(struct vas_probe_layout) != 304);
	BUILD_BUG_ON(sizeof(struct vas_probe_addr) != 40);
	BUILD_BUG_ON(sizeof(struct vas_probe_addrs) != 208);
	BUILD_BUG_ON(sizeof(struct vas_probe_mm) != 184);
	BUILD_BUG_ON(sizeof(struct vas_probe_pte) != 24);
	BUILD_BUG_ON(sizeof(struct vas_probe_walk) != 40);
	BUILD_BUG_ON(sizeof(struct vas_probe_vma) != 56);
	BUILD_BUG_ON(sizeof(struct vas_probe_list) != 32);
	BUILD_BUG_ON(sizeof(struct vas_probe_node) != 32);
	BUILD_BUG_ON(sizeof(struct vas_probe_zone) != 64);
	BUILD_BUG_ON(sizeof(struct vas_probe_kstack) != 40);
	BUILD_BUG_ON(MAX_NR_ZONES > VAS_PROBE_ZONE_UNKNOWN);

	return misc_register(&vas_dev);
}

static void __exit vas_probe_exit(void)
{
	misc_deregister(&vas_dev);
}

module_init(vas_probe_init);
module_exit(vas_probe_exit);

MODULE_DESCRIPTION("vas selftests helper: kernel layout, page tables, mm facts");
MODULE_LICENSE("GPL");
