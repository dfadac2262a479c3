/*
 * key.c: loading, checking and generating master key files (see key.h).
 * The file is opened with O_NOFOLLOW and checked with fstat on the open
 * descriptor, so the file checked is the file read; it is read whole (it is
 * at most EDS_KEY_FILE_MAX bytes) into a buffer that is wiped afterwards.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif

#include "digest.h"
#include "key.h"

#define KEY_HEX (2 * EDS_KEY_LEN)

void
eds_key_id(const unsigned char *k, char *id)
{
	static const char tag[] = "eds-key-id";
	unsigned char buf[sizeof tag - 1 + EDS_KEY_LEN];
	unsigned char md[EDS_SHA256_LEN];
	char hex[EDS_SHA256_HEX];

	memcpy(buf, tag, sizeof tag - 1);
	memcpy(buf + sizeof tag - 1, k, EDS_KEY_LEN);
	eds_sha256(buf, sizeof buf, md);
	eds_hex(md, EDS_KEY_ID_LEN / 2, hex);
	memcpy(id, hex, EDS_KEY_ID_LEN);
	id[EDS_KEY_ID_LEN] = '\0';
	eds_wipe(buf, sizeof buf);
}

void
eds_key_wipe(struct eds_key *key)
{
	eds_wipe(key->k, sizeof key->k);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int
eds_key_parse(const char *name, const char *text, size_t len,
    struct eds_key *key, struct eds_error *err)
{
	const char *p = text, *end = text + len, *eol, *s, *e;
	unsigned long line = 0, key_line = 0;
	size_t n;

	memset(key, 0, sizeof *key);
	for (; p < end; p = eol + 1) {
		line++;
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		for (s = p; s < eol && is_blank(*s); s++)
			;
		if (s == eol || *s == '#')
			continue;
		/* The key: hex digits, then optional blanks and a comment. */
		for (e = s; e < eol && !is_blank(*e) && *e != '#'; e++)
			;
		n = (size_t)(e - s);
		for (; e < eol && is_blank(*e); e++)
			;
		if (e < eol && *e != '#') {
			eds_key_wipe(key);
			return eds_error_at(err, EDS_EX_CONFIG, name, line, 0,
			    "malformed key line (expected %d hex digits "
			    "alone on the line)", KEY_HEX);
		}
		if (key_line != 0) {
			eds_key_wipe(key);
			return eds_error_at(err, EDS_EX_CONFIG, name, line, 0,
			    "second key line (the key is on line %lu; a key "
			    "file holds one key)", key_line);
		}
		if (n != KEY_HEX) {
			eds_key_wipe(key);
			return eds_error_at(err, EDS_EX_CONFIG, name, line, 0,
			    "key has %zu characters, expected %d hex digits "
			    "(%d bytes)", n, KEY_HEX, EDS_KEY_LEN);
		}
		if (eds_unhex(s, n, key->k, EDS_KEY_LEN) == -1) {
			eds_key_wipe(key);
			return eds_error_at(err, EDS_EX_CONFIG, name, line, 0,
			    "key is not hexadecimal (expected %d hex digits)",
			    KEY_HEX);
		}
		key_line = line;
	}
	if (key_line == 0)
		return eds_error_at(err, EDS_EX_CONFIG, name, 0, 0,
		    "no key in file (expected a line of %d hex digits)",
		    KEY_HEX);
	eds_key_id(key->k, key->id);
	return 0;
}

int
eds_key_load(const char *path, int flags, struct eds_key *key,
    struct eds_error *err)
{
	char buf[EDS_KEY_FILE_MAX + 1];
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int fd, rc = -1;

	memset(key, 0, sizeof *key);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK);
	if (fd == -1) {
		if (errno == ELOOP)
			return eds_error_at(err, EDS_EX_NOPERM, path, 0, 0,
			    "key file is a symbolic link (refused: give the "
			    "real path)");
		return eds_error_errno(err, errno == EACCES ||
		    errno == EPERM ? EDS_EX_NOPERM : EDS_EX_NOINPUT, errno,
		    "cannot open key file '%s'", path);
	}
	if (fstat(fd, &st) == -1) {
		eds_error_errno(err, EDS_EX_IOERR, errno,
		    "cannot stat key file '%s'", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		eds_error_at(err, EDS_EX_CONFIG, path, 0, 0,
		    "key file is not a regular file");
		goto done;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO) & ~(S_IXGRP | S_IXOTH)) != 0) {
		if (!(flags & EDS_KEY_ALLOW_UNSAFE)) {
			eds_error_at(err, EDS_EX_NOPERM, path, 0, 0,
			    "key file is accessible by group or others (mode "
			    "%04o); make it private with chmod 600, or pass "
			    "--allow-unsafe-key", (unsigned)(st.st_mode &
			    07777));
			goto done;
		}
		key->unsafe = 1;
	}
	if (st.st_size > EDS_KEY_FILE_MAX) {
		eds_error_at(err, EDS_EX_CONFIG, path, 0, 0,
		    "key file is too large (%lld bytes, at most %d)",
		    (long long)st.st_size, EDS_KEY_FILE_MAX);
		goto done;
	}
	for (;;) {
		n = read(fd, buf + len, sizeof buf - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			eds_error_errno(err, EDS_EX_IOERR, errno,
			    "cannot read key file '%s'", path);
			goto done;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > EDS_KEY_FILE_MAX) {
			eds_error_at(err, EDS_EX_CONFIG, path, 0, 0,
			    "key file is too large (at most %d bytes)",
			    EDS_KEY_FILE_MAX);
			goto done;
		}
	}
	{
		int unsafe = key->unsafe;

		rc = eds_key_parse(path, buf, len, key, err);
		key->unsafe = unsafe;
	}
done:
	eds_wipe(buf, sizeof buf);
	if (rc == -1)
		eds_key_wipe(key);
	close(fd);
	return rc;
}

/* 32 bytes from the kernel's CSPRNG. */
static int
random_bytes(unsigned char *p, size_t n, struct eds_error *err)
{
#ifdef HAVE_GETRANDOM
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = getrandom(p + got, n - got, 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return eds_error_errno(err, EDS_EX_SOFTWARE, errno,
			    "cannot get random bytes");
		got += (size_t)r;
	}
	return 0;
#else
	FILE *f = fopen("/dev/urandom", "rb");
	size_t got;

	if (f == NULL)
		return eds_error_errno(err, EDS_EX_SOFTWARE, errno,
		    "cannot open /dev/urandom");
	setvbuf(f, NULL, _IONBF, 0);
	got = fread(p, 1, n, f);
	fclose(f);
	if (got != n)
		return eds_error_set(err, EDS_EX_SOFTWARE,
		    "cannot read /dev/urandom");
	return 0;
#endif
}

int
eds_keygen(const char *path, struct eds_key *out, struct eds_error *err)
{
	struct eds_key key;
	char text[256], hex[KEY_HEX + 1], date[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t len, done = 0;
	ssize_t n;
	int fd;

	memset(&key, 0, sizeof key);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return eds_error_at(err, EDS_EX_CANTCREAT, path, 0, 0,
			    "already exists (keygen never overwrites a key)");
		return eds_error_errno(err, EDS_EX_CANTCREAT, errno,
		    "cannot create key file '%s'", path);
	}
	if (fchmod(fd, 0600) == -1 ||
	    random_bytes(key.k, sizeof key.k, err) == -1) {
		if (err->status == 0)
			eds_error_errno(err, EDS_EX_CANTCREAT, errno,
			    "cannot set the mode of '%s'", path);
		goto fail;
	}
	eds_key_id(key.k, key.id);
	eds_hex(key.k, sizeof key.k, hex);
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
	len = (size_t)snprintf(text, sizeof text,
	    "# eds-pseudo master key, created %s\n"
	    "# key id %s\n"
	    "%s\n", date, key.id, hex);
	eds_wipe(hex, sizeof hex);
	while (done < len) {
		n = write(fd, text + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			eds_error_errno(err, EDS_EX_IOERR, errno,
			    "cannot write key file '%s'", path);
			goto fail;
		}
		done += (size_t)n;
	}
	eds_wipe(text, sizeof text);
	if (fsync(fd) == -1) {
		eds_error_errno(err, EDS_EX_IOERR, errno,
		    "cannot write key file '%s'", path);
		goto fail;
	}
	n = close(fd);
	fd = -1;
	if (n == -1) {
		eds_error_errno(err, EDS_EX_IOERR, errno,
		    "cannot write key file '%s'", path);
		goto fail;
	}
	if (out != NULL)
		*out = key;
	eds_key_wipe(&key);
	return 0;
fail:
	eds_wipe(text, sizeof text);
	eds_key_wipe(&key);
	if (fd != -1)
		close(fd);
	unlink(path);
	return -1;
}
