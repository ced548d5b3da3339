// SPDX-License-Identifier: GPL-2.0
/*
 * The sliced functions a run entered (entered.h).  validate and mutate
 * compile the slice with -finstrument-functions, limited to the tree's
 * own files (build.py), so that every entry into a function of the slice,
 * inlined or not, calls __cyg_profile_func_enter() with its address; the
 * glue's table (SLICE_FN_LIST) says which function that is.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entered.h"
#include "kvm_x86_sim/kernel.h"

#define MAX_FNS 1024
#define NO_INSTRUMENT __attribute__((no_instrument_function))

struct fn_at {
	uintptr_t addr;
	unsigned int id;
};

static struct fn_at by_addr[MAX_FNS];
static unsigned int nr_fns;
static unsigned char entered[MAX_FNS];

static int NO_INSTRUMENT cmp_addr(const void *a, const void *b)
{
	const struct fn_at *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

void entered_init(void)
{
	const struct sim_kernel *k = sim_case_kernel;
	unsigned int i;

	nr_fns = 0;
	if (!k || !k->fns_instrumented || k->nr_fns > MAX_FNS)
		return;
	for (i = 0; i < k->nr_fns; i++) {
		by_addr[i].addr = (uintptr_t)k->fns[i];
		by_addr[i].id = i;
	}
	qsort(by_addr, k->nr_fns, sizeof(by_addr[0]), cmp_addr);
	nr_fns = k->nr_fns;
}

bool entered_ready(void)
{
	return nr_fns > 0;
}

void entered_reset(void)
{
	memset(entered, 0, sizeof(entered));
}

void entered_format(char *buf, size_t len)
{
	size_t at = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < nr_fns && at + 12 < len; i++) {
		if (entered[i])
			at += snprintf(buf + at, len - at, "%s%u", at ? "," : "",
				       i);
	}
	if (!at)
		snprintf(buf, len, "-");
}

void entered_print_names(FILE *out)
{
	const struct sim_kernel *k = sim_case_kernel;
	unsigned int i;

	for (i = 0; i < nr_fns; i++)
		fprintf(out, "# kvm_x86_sim: fn %u %s\n", i, k->fn_names[i]);
}

void NO_INSTRUMENT __cyg_profile_func_enter(void *fn, void *site)
{
	unsigned int lo = 0, hi = nr_fns;
	uintptr_t a = (uintptr_t)fn;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (by_addr[mid].addr == a) {
			entered[by_addr[mid].id] = 1;
			return;
		}
		if (by_addr[mid].addr < a)
			lo = mid + 1;
		else
			hi = mid;
	}
}

void NO_INSTRUMENT __cyg_profile_func_exit(void *fn, void *site)
{
}

struct explore_select {
	unsigned long nr_cases, programs;
	unsigned char *cases, *progs;	/* progs: vendor * programs + i */
};

struct explore_select *explore_select_read(const char *path,
					   unsigned long nr_cases,
					   unsigned long programs)
{
	struct explore_select *s = calloc(1, sizeof(*s));
	char line[128], vendor[8];
	unsigned long i, no = 0;
	FILE *f = fopen(path, "r");

	if (!s || !f) {
		fprintf(stderr, "kvm_x86_sim: cannot read the selection %s\n",
			path);
		goto fail;
	}
	s->nr_cases = nr_cases;
	s->programs = programs;
	s->cases = calloc(nr_cases + 1, 1);
	s->progs = calloc(2 * programs + 1, 1);
	if (!s->cases || !s->progs)
		goto fail;
	while (fgets(line, sizeof(line), f)) {
		no++;
		if (sscanf(line, "case %lu", &i) == 1 && i < nr_cases) {
			s->cases[i] = 1;
		} else if (sscanf(line, "program %7s %lu", vendor, &i) == 2 &&
			   i < programs && (!strcmp(vendor, "vmx") ||
					    !strcmp(vendor, "svm"))) {
			s->progs[(strcmp(vendor, "vmx") ? programs : 0) + i] = 1;
		} else {
			fprintf(stderr, "kvm_x86_sim: %s:%lu: not a case or program of this run: %s",
				path, no, line);
			goto fail;
		}
	}
	fclose(f);
	return s;
fail:
	if (f)
		fclose(f);
	if (s) {
		free(s->cases);
		free(s->progs);
	}
	free(s);
	return NULL;
}

bool explore_select_case(const struct explore_select *s, unsigned long i)
{
	return !s || (i < s->nr_cases && s->cases[i]);
}

bool explore_select_program(const struct explore_select *s, int vendor,
			    unsigned long i)
{
	return !s || (i < s->programs &&
		      s->progs[(vendor == SIM_VMX ? 0 : s->programs) + i]);
}
