// SPDX-License-Identifier: GPL-2.0
/*
 * Print the facts of the running system that every result needs next to
 * it (page size, VA width, top of user space), as "key<TAB>value" lines
 * for the runner's results.json.
 */
#include <stdio.h>
#include <stdint.h>

#include "vas_lib.h"

int main(void)
{
	printf("page_size\t%zu\n", vas_page_size());
	printf("user_va_bits\t%d\n", vas_user_va_bits());
	printf("default_window_bits\t%d\n", vas_default_window_bits());
	printf("user_top\t%#jx\n", (uintmax_t)vas_probe_user_top());
	printf("task_bits\t%zu\n", sizeof(long) * 8);
	return 0;
}
