/*
 * rss.c: run a command and measure it, for preg's benchmark.
 * Usage: rss OUTFILE CMD [ARGS...]
 * Runs CMD with stdout sent to /dev/null (stdin and stderr inherited), waits
 * for it, and appends one line "wall_ms maxrss_kb exit_status cpu_ms" to
 * OUTFILE: wall time from CLOCK_MONOTONIC, peak resident set size from
 * wait4's rusage (the largest of the command and the children it waited
 * for), and the CPU time (user + system) of the command and those
 * children, which a loaded machine inflates far less than the wall time.
 * A command killed by signal S counts as status 128+S. Exits with that
 * status.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	double t0, t1;
	int st, code;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: rss OUTFILE CMD [ARGS...]\n");
		return 2;
	}
	out = fopen(argv[1], "a");
	if (!out) {
		fprintf(stderr, "rss: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	fflush(NULL);
	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("rss: fork");
		return 2;
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
			perror("rss: /dev/null");
			_exit(127);
		}
		close(fd);
		fclose(out);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "rss: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("rss: wait4");
			return 2;
		}
	}
	t1 = now_ms();
	if (WIFEXITED(st))
		code = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		code = 128 + WTERMSIG(st);
	else
		code = 255;
	fprintf(out, "%.3f %ld %d %.3f\n", t1 - t0, ru.ru_maxrss, code,
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
			(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3);
	if (fclose(out) != 0) {
		fprintf(stderr, "rss: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	return code;
}
