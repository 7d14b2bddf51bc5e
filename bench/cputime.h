/*
 * cputime.h: CPU time and medians for the benchmark's own C tools. CPU time
 * (user + system) rather than the wall clock: the machine is shared, and
 * what these tools time does not wait on the disk.
 */
#ifndef BENCH_CPUTIME_H
#define BENCH_CPUTIME_H

#include <stdlib.h>
#include <time.h>

static inline double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of the n values at v (sorted in place). */
static inline double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
