// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers for /proc/PID/{maps,smaps,status}, /proc/meminfo-style files
 * and /proc/zoneinfo. The line parsers take one line so that the
 * project's unit tests can feed them recorded and malformed input.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vas_lib.h"

ssize_t vas_read_file(const char *path, char *buf, size_t len)
{
	ssize_t got, total = 0;
	int fd;

	if (!len)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)total < len - 1) {
		got = read(fd, buf + total, len - 1 - total);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			total = -errno;
			break;
		}
		if (got == 0)
			break;
		total += got;
	}
	close(fd);
	if (total >= 0)
		buf[total] = '\0';
	return total;
}

int vas_parse_maps_line(const char *text, struct vas_map *m)
{
	unsigned long long start, end;
	int consumed = 0;
	const char *path;
	char line[512];

	/* One line only: the trailing %n would skip past a newline. */
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(text, "\n"), text);
	memset(m, 0, sizeof(*m));
	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %lu %n", &start, &end,
		   m->perms, &m->offset, &m->dev_major, &m->dev_minor,
		   &m->inode, &consumed) < 7 || !consumed)
		return -EINVAL;
	if (start > UINTPTR_MAX || end > UINTPTR_MAX || end < start ||
	    strlen(m->perms) != 4 || !strchr("ps", m->perms[3]))
		return -EINVAL;
	m->start = (uintptr_t)start;
	m->end = (uintptr_t)end;
	path = line + consumed;
	snprintf(m->path, sizeof(m->path), "%s", path);
	return 0;
}

/* Read a whole /proc file of unknown size into a malloc'ed string. */
static char *slurp(const char *path)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap), *bigger;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf)
		goto fail;
	for (;;) {
		if (cap - len < 4096) {
			bigger = realloc(buf, cap * 2);
			if (!bigger)
				goto fail;
			buf = bigger;
			cap *= 2;
		}
		got = read(fd, buf + len, cap - len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto fail;
		if (got == 0)
			break;
		len += got;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static void proc_path(char *path, size_t len, pid_t pid, const char *file)
{
	if (pid)
		snprintf(path, len, "/proc/%d/%s", (int)pid, file);
	else
		snprintf(path, len, "/proc/self/%s", file);
}

/* Count lines of text: an upper bound for the entries it can hold. */
static int count_lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n + 1;
}

/*
 * Read a /proc file and allocate a zeroed array with room for one
 * element per line; returns the text, or NULL with errno set.
 */
static char *slurp_for_array(const char *path, size_t elem, void **array)
{
	char *text = slurp(path);

	if (!text) {
		errno = errno ?: EIO;
		return NULL;
	}
	*array = calloc(count_lines(text), elem);
	if (!*array) {
		free(text);
		errno = ENOMEM;
		return NULL;
	}
	return text;
}

int vas_read_maps(pid_t pid, struct vas_map **maps)
{
	char path[64], *text, *line, *save;
	struct vas_map *out;
	int n = 0;

	proc_path(path, sizeof(path), pid, "maps");
	text = slurp_for_array(path, sizeof(*out), (void **)&out);
	if (!text)
		return -errno;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (vas_parse_maps_line(line, &out[n])) {
			free(text);
			free(out);
			return -EINVAL;
		}
		n++;
	}
	free(text);
	*maps = out;
	return n;
}

const struct vas_map *vas_find_map(const struct vas_map *maps, int n,
				   const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(maps[i].path, name))
			return &maps[i];
	return NULL;
}

const struct vas_map *vas_map_of(const struct vas_map *maps, int n,
				 uintptr_t addr)
{
	int i;

	for (i = 0; i < n; i++)
		if (addr >= maps[i].start && addr < maps[i].end)
			return &maps[i];
	return NULL;
}

int vas_parse_kv_line(const char *line, char *key, size_t keylen,
		      unsigned long long *val)
{
	const char *colon = strchr(line, ':');
	size_t klen;
	char *end;

	if (!colon || colon == line)
		return -EINVAL;
	klen = colon - line;
	if (klen >= keylen || memchr(line, ' ', klen))
		return -EINVAL;
	colon++;
	while (*colon == ' ' || *colon == '\t')
		colon++;
	if (*colon < '0' || *colon > '9')
		return -EINVAL;
	errno = 0;
	*val = strtoull(colon, &end, 10);
	if (errno)
		return -errno;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end && *end != '\n' && strncmp(end, "kB", 2))
		return -EINVAL;
	memcpy(key, line, klen);
	key[klen] = '\0';
	return 0;
}

int vas_proc_value(const char *path, const char *key,
		   unsigned long long *val)
{
	char *text = slurp(path), *line, *save, k[64];
	unsigned long long v;
	int ret = -ENODATA;

	if (!text)
		return -errno ?: -EIO;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!vas_parse_kv_line(line, k, sizeof(k), &v) &&
		    !strcmp(k, key)) {
			*val = v;
			ret = 0;
			break;
		}
	}
	free(text);
	return ret;
}

int vas_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	/* Only what is logged from now on: the records a test caused. */
	if (lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

int vas_vmstat_value(const char *name, unsigned long long *val)
{
	char line[128], key[64];
	unsigned long long v;
	FILE *f = fopen("/proc/vmstat", "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %llu", key, &v) == 2 &&
		    !strcmp(key, name)) {
			*val = v;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

int vas_write_file(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t done;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	done = write(fd, val, len);
	if (done < 0) {
		done = -errno;
		close(fd);
		return (int)done;
	}
	if (close(fd))
		return -errno;
	return (size_t)done == len ? 0 : -EIO;
}

/* Route one smaps "Key: N kB" line to its field. */
static void smaps_field(struct vas_smaps *e, const char *key,
			unsigned long long v)
{
	static const struct {
		const char *key;
		size_t off;
	} fields[] = {
		{ "Size", offsetof(struct vas_smaps, size_kb) },
		{ "Rss", offsetof(struct vas_smaps, rss_kb) },
		{ "Pss", offsetof(struct vas_smaps, pss_kb) },
		{ "Anonymous", offsetof(struct vas_smaps, anon_kb) },
		{ "Locked", offsetof(struct vas_smaps, locked_kb) },
		{ "LazyFree", offsetof(struct vas_smaps, lazyfree_kb) },
		{ "AnonHugePages", offsetof(struct vas_smaps, anon_huge_kb) },
		{ "Swap", offsetof(struct vas_smaps, swap_kb) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (!strcmp(key, fields[i].key))
			*(unsigned long long *)((char *)e + fields[i].off) = v;
}

int vas_read_smaps(pid_t pid, struct vas_smaps **entries)
{
	char path[64], *text, *line, *save, key[64];
	struct vas_smaps *out, *cur = NULL;
	unsigned long long v;
	int n = 0;

	proc_path(path, sizeof(path), pid, "smaps");
	text = slurp_for_array(path, sizeof(*out), (void **)&out);
	if (!text)
		return -errno;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!vas_parse_kv_line(line, key, sizeof(key), &v)) {
			if (cur)
				smaps_field(cur, key, v);
		} else if (!strncmp(line, "VmFlags:", 8)) {
			if (cur)
				snprintf(cur->vmflags, sizeof(cur->vmflags),
					 "%s", line + 8 + strspn(line + 8, " "));
		} else if (!vas_parse_maps_line(line, &out[n].map)) {
			cur = &out[n++];
		} else if (!strchr(line, ':')) {
			free(text);
			free(out);
			return -EINVAL;
		}
	}
	free(text);
	*entries = out;
	return n;
}

bool vas_vmflags_has(const char *vmflags, const char *flag)
{
	size_t n = strlen(flag);
	const char *p = vmflags;

	while ((p = strstr(p, flag))) {
		if ((p == vmflags || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return true;
		p += n;
	}
	return false;
}

int vas_parse_zoneinfo_line(const char *line, struct vas_zone *z)
{
	static const struct {
		const char *key;
		size_t off;
	} fields[] = {
		{ "pages free", offsetof(struct vas_zone, free) },
		{ "min", offsetof(struct vas_zone, min) },
		{ "low", offsetof(struct vas_zone, low) },
		{ "high", offsetof(struct vas_zone, high) },
		{ "spanned", offsetof(struct vas_zone, spanned) },
		{ "present", offsetof(struct vas_zone, present) },
		{ "managed", offsetof(struct vas_zone, managed) },
		{ "start_pfn:", offsetof(struct vas_zone, start_pfn) },
	};
	unsigned long long v;
	char name[16];
	size_t i, n;
	int node;

	if (!strncmp(line, "Node ", 5)) {
		if (sscanf(line, "Node %d, zone %15s", &node, name) != 2)
			return -EINVAL;
		memset(z, 0, sizeof(*z));
		z->node = node;
		snprintf(z->name, sizeof(z->name), "%s", name);
		return 1;
	}
	line += strspn(line, " \t");
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		n = strlen(fields[i].key);
		if (strncmp(line, fields[i].key, n) ||
		    (line[n] != ' ' && line[n] != '\t'))
			continue;
		if (sscanf(line + n, "%llu", &v) != 1)
			return -EINVAL;
		*(unsigned long long *)((char *)z + fields[i].off) = v;
		return 0;
	}
	return 0;
}

int vas_read_zoneinfo(struct vas_zone **zones)
{
	struct vas_zone *out, scratch, *z;
	char *text, *line, *save;
	int n = 0, ret;

	text = slurp_for_array("/proc/zoneinfo", sizeof(*out), (void **)&out);
	if (!text)
		return -errno;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		/* A header fills the next slot; fields go to the current. */
		if (!strncmp(line, "Node ", 5))
			z = &out[n];
		else
			z = n ? &out[n - 1] : &scratch;
		ret = vas_parse_zoneinfo_line(line, z);
		if (ret < 0) {
			free(text);
			free(out);
			return ret;
		}
		n += ret == 1;
	}
	free(text);
	*zones = out;
	return n;
}
