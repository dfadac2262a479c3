/*
 * journal.c: appending to and verifying the run journal (see journal.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "journal.h"
#include "json.h"
#include "xmalloc.h"

#define ZERO_HASH \
	"0000000000000000000000000000000000000000000000000000000000000000"
#define MAX_LINE (16 * 1024 * 1024)

void
eds_journal_line(struct eds_buf *b, const struct eds_run *r,
    unsigned long seq, const char *time, const char *user, const char *host,
    const char *prev)
{
	size_t i;

	eds_buf_addf(b, "{\"seq\":%lu,\"time\":", seq);
	eds_json_str(b, time);
	eds_buf_addstr(b, ",\"tool\":");
	eds_json_str(b, r->tool);
	eds_buf_addstr(b, ",\"version\":\"" EDS_VERSION "\",\"user\":");
	eds_json_str(b, user);
	eds_buf_addstr(b, ",\"host\":");
	eds_json_str(b, host);
	eds_buf_addstr(b, ",\"action\":");
	eds_json_str(b, r->action);
	eds_buf_addstr(b, ",\"inputs\":");
	eds_run_files_json(b, r->inputs, r->ninputs);
	eds_buf_addstr(b, ",\"config_sha256\":");
	eds_json_str(b, r->config_sha256[0] ? r->config_sha256 : NULL);
	eds_buf_addstr(b, ",\"key_id\":");
	eds_json_str(b, r->key_id[0] ? r->key_id : NULL);
	eds_buf_addstr(b, ",\"counts\":{");
	eds_run_counts_json(r, b);
	eds_buf_addstr(b, "},\"outputs\":");
	eds_run_files_json(b, r->outputs, r->noutputs);
	eds_buf_addf(b, ",\"status\":%d", r->status);
	for (i = 0; i < r->nextra; i++) {
		eds_buf_addch(b, ',');
		eds_json_str(b, r->extra[2 * i]);
		eds_buf_addch(b, ':');
		eds_buf_addstr(b, r->extra[2 * i + 1]);
	}
	eds_buf_addstr(b, ",\"prev\":");
	eds_json_str(b, prev);
	eds_buf_addch(b, '}');
}

/*
 * Read the last line of the open journal into b (without its newline).
 * Returns 0 (b empty for an empty file), -1 on error.
 */
static int
last_line(int fd, const char *path, struct eds_buf *b, struct eds_error *err)
{
	struct stat st;
	char chunk[4096];
	off_t end, pos;
	ssize_t n;
	size_t i;

	eds_buf_reset(b);
	if (fstat(fd, &st) == -1)
		return eds_error_errno(err, EDS_EX_IOERR, errno,
		    "cannot read journal '%s'", path);
	if (st.st_size == 0)
		return 0;
	end = st.st_size;
	if (pread(fd, chunk, 1, end - 1) != 1)
		return eds_error_errno(err, EDS_EX_IOERR, errno,
		    "cannot read journal '%s'", path);
	if (chunk[0] != '\n')
		return eds_error_at(err, EDS_EX_DATAERR, path, 0, 0,
		    "the journal ends with an incomplete line (interrupted "
		    "write?); check it with 'eds-export journal verify'");
	end--;			/* drop the final newline */
	pos = end;
	while (pos > 0) {
		size_t want = pos > (off_t)sizeof chunk ? sizeof chunk :
		    (size_t)pos;

		if ((n = pread(fd, chunk, want, pos - (off_t)want)) !=
		    (ssize_t)want)
			return eds_error_errno(err, EDS_EX_IOERR, errno,
			    "cannot read journal '%s'", path);
		for (i = want; i > 0; i--)
			if (chunk[i - 1] == '\n')
				break;
		if (i > 0) {
			pos = pos - (off_t)want + (off_t)i;
			break;
		}
		pos -= (off_t)want;
		if (end - pos > MAX_LINE)
			return eds_error_at(err, EDS_EX_DATAERR, path, 0, 0,
			    "the last journal line is too long");
	}
	eds_buf_grow(b, (size_t)(end - pos));
	if (end > pos && pread(fd, b->p, (size_t)(end - pos), pos) !=
	    (ssize_t)(end - pos))
		return eds_error_errno(err, EDS_EX_IOERR, errno,
		    "cannot read journal '%s'", path);
	b->len = (size_t)(end - pos);
	b->p[b->len] = '\0';
	return 0;
}

int
eds_journal_append(const char *path, const struct eds_run *r,
    struct eds_error *err)
{
	struct eds_buf last = EDS_BUF_INIT, line = EDS_BUF_INIT;
	struct eds_jnode *j = NULL;
	const struct eds_jnode *seqn;
	unsigned char md[EDS_SHA256_LEN];
	char prev[EDS_SHA256_HEX], host[256], when[32], why[128];
	struct passwd *pw;
	unsigned long seq = 1;
	struct tm tm;
	time_t t;
	ssize_t w;
	int fd, rc = -1;

	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0640);
	if (fd == -1)
		return eds_error_errno(err, EDS_EX_CANTCREAT, errno,
		    "cannot open journal '%s'", path);
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			eds_error_errno(err, EDS_EX_IOERR, errno,
			    "cannot lock journal '%s'", path);
			goto done;
		}
	}
	if (last_line(fd, path, &last, err) == -1)
		goto done;
	if (last.len == 0)
		snprintf(prev, sizeof prev, "%s", ZERO_HASH);
	else {
		j = eds_json_parse(last.p, last.len, why, sizeof why);
		seqn = eds_json_get(j, "seq");
		if (j == NULL || seqn == NULL || seqn->type != EDS_JNUM) {
			eds_error_at(err, EDS_EX_DATAERR, path, 0, 0,
			    "the last journal line is not a journal record; "
			    "check it with 'eds-export journal verify'");
			goto done;
		}
		seq = strtoul(seqn->str, NULL, 10) + 1;
		eds_sha256(last.p, last.len, md);
		eds_hex(md, sizeof md, prev);
	}
	t = time(NULL);
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (gethostname(host, sizeof host) == -1)
		snprintf(host, sizeof host, "unknown");
	host[sizeof host - 1] = '\0';
	pw = getpwuid(geteuid());
	eds_journal_line(&line, r, seq, when, pw != NULL ? pw->pw_name :
	    "unknown", host, prev);
	eds_buf_addch(&line, '\n');
	w = write(fd, line.p, line.len);
	if (w != (ssize_t)line.len) {
		int e = w == -1 ? errno : ENOSPC;

		/* Undo a short write so the journal stays whole. */
		if (w > 0) {
			struct stat st;

			if (fstat(fd, &st) == 0)
				(void)ftruncate(fd, st.st_size - w);
		}
		eds_error_errno(err, EDS_EX_IOERR, e,
		    "cannot write journal '%s'", path);
		goto done;
	}
	if (fsync(fd) == -1) {
		eds_error_errno(err, EDS_EX_IOERR, errno,
		    "cannot write journal '%s'", path);
		goto done;
	}
	rc = 0;
done:
	eds_json_free(j);
	eds_buf_release(&last);
	eds_buf_release(&line);
	close(fd);	/* releases the lock */
	return rc;
}

int
eds_journal_verify(const char *path, struct eds_journal_status *st,
    struct eds_error *err)
{
	FILE *f;
	char *line = NULL, why[128];
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	char prev[EDS_SHA256_HEX];
	unsigned char md[EDS_SHA256_LEN];
	struct eds_jnode *j;
	const struct eds_jnode *seq, *p;
	int rc = 0;

	if ((f = fopen(path, "re")) == NULL)
		return eds_error_errno(err, EDS_EX_NOINPUT, errno,
		    "cannot open journal '%s'", path);
	snprintf(prev, sizeof prev, "%s", ZERO_HASH);
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (n == 0 || line[n - 1] != '\n') {
			rc = eds_error_at(err, EDS_EX_DATAERR, path, lineno, 0,
			    "incomplete last line (no newline)");
			break;
		}
		line[--n] = '\0';
		if ((j = eds_json_parse(line, (size_t)n, why, sizeof why)) ==
		    NULL || j->type != EDS_JOBJ) {
			eds_json_free(j);
			rc = eds_error_at(err, EDS_EX_DATAERR, path, lineno, 0,
			    "not a JSON object (%s): the line was edited",
			    j == NULL ? why : "wrong type");
			break;
		}
		seq = eds_json_get(j, "seq");
		p = eds_json_get(j, "prev");
		if (seq == NULL || seq->type != EDS_JNUM ||
		    strtoul(seq->str, NULL, 10) != lineno) {
			rc = eds_error_at(err, EDS_EX_DATAERR, path, lineno, 0,
			    "seq is not %lu: a line before it was deleted or "
			    "inserted, or this line was edited", lineno);
		} else if (p == NULL || p->type != EDS_JSTR ||
		    strcmp(p->str, prev) != 0) {
			if (lineno == 1)
				rc = eds_error_at(err, EDS_EX_DATAERR, path, 1,
				    0, "prev of the first line is not 64 zeros: "
				    "the lines before it were removed, or this "
				    "line was edited");
			else
				rc = eds_error_at(err, EDS_EX_DATAERR, path,
				    lineno, 0, "prev does not match the SHA-256 "
				    "of line %lu: line %lu was edited, or a line "
				    "was removed", lineno - 1, lineno - 1);
		}
		eds_json_free(j);
		if (rc == -1)
			break;
		eds_sha256(line, (size_t)n, md);
		eds_hex(md, sizeof md, prev);
	}
	if (rc == 0 && ferror(f))
		rc = eds_error_errno(err, EDS_EX_IOERR, errno,
		    "cannot read journal '%s'", path);
	free(line);
	fclose(f);
	if (st != NULL) {
		st->lines = rc == 0 ? lineno : lineno - 1;
		memcpy(st->head, prev, sizeof st->head);
	}
	return rc;
}
