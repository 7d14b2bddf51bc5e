/*
 * yamlparse.c: the reference for preg's read benchmark. Reads every
 * clients/<shard>/<id>.yaml under the register directory given (readdir on the
 * shard directories, each file read whole) and runs a plain libyaml event loop
 * over it until the stream ends, the least any YAML reader must do.
 * Prints the number of files and events. Usage: yamlparse DIR
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

static char *buf;
static size_t buf_cap;

/* Read the file at dirfd/name whole into buf; returns its length or -1. */
static long read_whole(int dirfd, const char *name)
{
	struct stat st;
	size_t len = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0)
		goto fail;
	if ((size_t)st.st_size + 1 > buf_cap) {
		buf_cap = (size_t)st.st_size + 4096;
		free(buf);
		buf = malloc(buf_cap);
		if (!buf)
			goto fail;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, buf_cap - len);

		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == buf_cap)
			goto fail;	/* grew while reading */
	}
	close(fd);
	return (long)len;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Parse one document; returns its number of events or -1 on error. */
static long parse(const char *path, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	long n = 0;
	int done = 0;

	if (!yaml_parser_initialize(&p))
		return -1;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			fprintf(stderr, "yamlparse: %s:%zu:%zu: %s\n", path,
				p.problem_mark.line + 1, p.problem_mark.column + 1,
				p.problem ? p.problem : "parse error");
			yaml_parser_delete(&p);
			return -1;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		n++;
	}
	yaml_parser_delete(&p);
	return n;
}

static int is_yaml(const char *name)
{
	size_t l = strlen(name);

	return name[0] != '.' && l > 5 && strcmp(name + l - 5, ".yaml") == 0;
}

int main(int argc, char **argv)
{
	char path[4096];
	long files = 0, events = 0;
	int errors = 0;
	DIR *top;
	struct dirent *sd;

	if (argc != 2) {
		fprintf(stderr, "usage: yamlparse DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/clients", argv[1]);
	top = opendir(path);
	if (!top) {
		perror(path);
		return 1;
	}
	while ((sd = readdir(top))) {
		DIR *shard;
		struct dirent *fe;
		int fd;

		if (sd->d_name[0] == '.')
			continue;
		fd = openat(dirfd(top), sd->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;	/* not a directory */
		shard = fdopendir(fd);
		if (!shard) {
			close(fd);
			continue;
		}
		while ((fe = readdir(shard))) {
			long len, n;

			if (!is_yaml(fe->d_name))
				continue;
			snprintf(path, sizeof(path), "%s/clients/%s/%s", argv[1],
				sd->d_name, fe->d_name);
			len = read_whole(fd, fe->d_name);
			if (len < 0) {
				perror(path);
				errors++;
				continue;
			}
			n = parse(path, (size_t)len);
			if (n < 0) {
				errors++;
				continue;
			}
			files++;
			events += n;
		}
		closedir(shard);
	}
	closedir(top);
	free(buf);
	printf("%ld files, %ld events\n", files, events);
	return errors ? 1 : 0;
}
