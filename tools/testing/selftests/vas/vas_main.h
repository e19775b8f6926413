/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test programs' main, included last instead of TEST_HARNESS_MAIN:
 * it adds --list (the 6.1 harness cannot list its tests) and --probe
 * (fresh-exec probes, for programs that define VAS_PROBES and
 * vas_probe_main()); anything else goes to the harness.
 */
#ifndef VAS_MAIN_H
#define VAS_MAIN_H

/* One "fixture.variant.test" line per test, as the harness names them. */
static void vas_list_tests(void)
{
	static struct __fixture_variant_metadata no_variant = { .name = "" };
	struct __fixture_variant_metadata *v;
	struct __fixture_metadata *f;
	struct __test_metadata *t;

	for (f = __fixture_list; f; f = f->next)
		for (v = f->variant ?: &no_variant; v; v = v->next)
			for (t = f->tests; t; t = t->next)
				printf("%s%s%s.%s\n", f->name,
				       v->name[0] ? "." : "", v->name, t->name);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		vas_list_tests();
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--probe")) {
#ifdef VAS_PROBES
		return vas_probe_main(argc - 2, argv + 2);
#else
		fprintf(stderr, "%s has no probe mode\n", argv[0]);
		return 2;
#endif
	}
	return test_harness_run(argc, argv);
}

#endif /* VAS_MAIN_H */
