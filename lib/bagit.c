/*
 * bagit.c: building a BagIt 1.0 bag under a temporary name and sealing it
 * (see bagit.h).  Payload and tag files are eds_outputs created with
 * EDS_OUT_EXCL inside the temporary directory, so each is fsync'ed and
 * renamed as it is committed and its SHA-256 comes from the bytes written.
 * Sealing writes the tag files in dependency order (bagit.txt, manifest,
 * bag-info with the Payload-Oxum, tag manifest, signature), fsyncs every
 * directory bottom-up, and renames the directory into place with
 * RENAME_NOREPLACE where the file system has it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bagit.h"
#include "csvwrite.h"
#include "datetime.h"
#include "json.h"
#include "xmalloc.h"

struct payload {
	char *name;		/* relative to data/, decoded */
	char sha256[EDS_SHA256_HEX];
	uint64_t bytes;
};

struct pending {
	struct eds_output *out;
	char *name;
};

struct eds_bag {
	char *target;
	char *tmpdir;
	char *date;
	char *org, *ext_id, *ext_desc;
	int flags;
	const struct eds_cms_signer *signer;
	char **info;		/* label, value pairs */
	size_t ninfo;
	struct payload *files;
	size_t nfiles;
	struct pending *open;
	size_t nopen;
	uint64_t oxum_bytes;
	char *work;
	int sealed;
	char fingerprint[EDS_SHA256_HEX];
};

void
eds_bag_options_init(struct eds_bag_options *o)
{
	memset(o, 0, sizeof *o);
}

/* --- path encoding ---------------------------------------------------------- */

void
eds_bag_encode_path(struct eds_buf *b, const char *p)
{
	for (; *p != '\0'; p++) {
		if (*p == '\r')
			eds_buf_addstr(b, "%0D");
		else if (*p == '\n')
			eds_buf_addstr(b, "%0A");
		else if (*p == '%')
			eds_buf_addstr(b, "%25");
		else
			eds_buf_addch(b, *p);
	}
}

void
eds_bag_decode_path(struct eds_buf *b, const char *s, size_t len)
{
	size_t i;

	eds_buf_add(b, "", 0);
	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len) {
			char h = s[i + 1], l = s[i + 2];

			if (h == '0' && (l == 'D' || l == 'd')) {
				eds_buf_addch(b, '\r');
				i += 2;
				continue;
			}
			if (h == '0' && (l == 'A' || l == 'a')) {
				eds_buf_addch(b, '\n');
				i += 2;
				continue;
			}
			if (h == '2' && l == '5') {
				eds_buf_addch(b, '%');
				i += 2;
				continue;
			}
		}
		eds_buf_addch(b, s[i]);
	}
}

/* --- helpers ------------------------------------------------------------------ */

static int
rm_entry(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)type;
	(void)f;
	(void)remove(path);
	return 0;
}

static void
rm_tree(const char *path)
{
	(void)nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int
fsync_path(const char *path)
{
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECTORY)) == -1)
		return -1;
	r = fsync(fd);
	if (r == -1 && (errno == EINVAL || errno == EROFS))
		r = 0;
	close(fd);
	return r;
}

static int fsync_failed;

static int
fsync_entry(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	if (type == FTW_DP && fsync_path(path) == -1)
		fsync_failed = errno != 0 ? errno : EIO;
	return 0;
}

static int
valid_text(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\r' || *s == '\n')
			return 0;
	return 1;
}

/* The parent directory of path ("." when none). */
static char *
parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static int
check_name(const char *name, struct eds_error *err)
{
	const char *p = name, *seg;
	size_t len;

	if (*name == '\0' || *name == '/')
		return eds_error_set(err, EDS_EX_USAGE, "payload name '%s' is "
		    "empty or absolute", name);
	for (; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return eds_error_set(err, EDS_EX_USAGE, "payload name "
			    "'%s' contains a control character", name);
	for (seg = name; ; seg += len + 1) {
		len = strcspn(seg, "/");
		if (len == 0 || (len == 1 && seg[0] == '.') ||
		    (len == 2 && seg[0] == '.' && seg[1] == '.'))
			return eds_error_set(err, EDS_EX_USAGE, "payload name "
			    "'%s' has an empty, '.' or '..' component", name);
		if (seg[len] == '\0')
			break;
	}
	return 0;
}

/* --- create ------------------------------------------------------------------- */

struct eds_bag *
eds_bag_create(const char *target, const struct eds_bag_options *o,
    struct eds_error *err)
{
	struct eds_bag *b;
	struct eds_tm tm;
	struct stat st;
	char *t, *parent, *data, datebuf[11];
	const char *base;
	size_t len;
	time_t now;

	if (target == NULL || *target == '\0')
		return eds_error_set(err, EDS_EX_USAGE, "no bundle name given"),
		    NULL;
	t = xstrdup(target);
	len = strlen(t);
	while (len > 1 && t[len - 1] == '/')
		t[--len] = '\0';
	base = strrchr(t, '/') != NULL ? strrchr(t, '/') + 1 : t;
	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    strcmp(base, "/") == 0) {
		eds_error_set(err, EDS_EX_USAGE, "'%s' cannot name a bundle",
		    target);
		free(t);
		return NULL;
	}
	if (o->bagging_date != NULL) {
		if (strlen(o->bagging_date) != 10 || eds_date_parse(
		    o->bagging_date, 10, "%Y-%m-%d", &tm) == -1) {
			eds_error_set(err, EDS_EX_USAGE, "bagging date '%s' is "
			    "not a YYYY-MM-DD date", o->bagging_date);
			free(t);
			return NULL;
		}
		snprintf(datebuf, sizeof datebuf, "%s", o->bagging_date);
	} else {
		struct tm g;

		now = time(NULL);
		gmtime_r(&now, &g);
		strftime(datebuf, sizeof datebuf, "%Y-%m-%d", &g);
	}
	if ((o->source_organization != NULL &&
	    !valid_text(o->source_organization)) ||
	    (o->external_identifier != NULL &&
	    !valid_text(o->external_identifier)) ||
	    (o->external_description != NULL &&
	    !valid_text(o->external_description))) {
		eds_error_set(err, EDS_EX_USAGE, "a bag-info field contains "
		    "a line break");
		free(t);
		return NULL;
	}
	if (lstat(t, &st) == 0 && !(o->flags & EDS_BAG_FORCE)) {
		eds_error_set(err, EDS_EX_CANTCREAT, "'%s' already exists "
		    "(remove it, or use --force to replace it)", t);
		free(t);
		return NULL;
	}
	b = xcalloc(1, sizeof *b);
	b->target = t;
	b->date = xstrdup(datebuf);
	b->org = o->source_organization ? xstrdup(o->source_organization) : NULL;
	b->ext_id = o->external_identifier ? xstrdup(o->external_identifier) :
	    NULL;
	b->ext_desc = o->external_description ?
	    xstrdup(o->external_description) : NULL;
	b->flags = o->flags;
	b->signer = o->signer;
	parent = parent_of(t);
	b->tmpdir = xasprintf("%s/.%s.tmp-XXXXXX", parent, base);
	free(parent);
	if (mkdtemp(b->tmpdir) == NULL) {
		eds_error_errno(err, EDS_EX_CANTCREAT, errno, "cannot create "
		    "a temporary directory next to '%s'", t);
		free(b->tmpdir);
		b->tmpdir = NULL;
		eds_bag_free(b);
		return NULL;
	}
	data = xasprintf("%s/data", b->tmpdir);
	if (mkdir(data, 0777) == -1) {
		eds_error_errno(err, EDS_EX_CANTCREAT, errno, "cannot create "
		    "'%s'", data);
		free(data);
		eds_bag_free(b);
		return NULL;
	}
	free(data);
	return b;
}

int
eds_bag_info_add(struct eds_bag *b, const char *label, const char *value,
    struct eds_error *err)
{
	const char *p;
	size_t n = strlen(label);

	if (n == 0 || n > 64)
		return eds_error_set(err, EDS_EX_USAGE, "bag-info label '%s' "
		    "must have 1 to 64 characters", label);
	for (p = label; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == ':')
			return eds_error_set(err, EDS_EX_USAGE, "bag-info "
			    "label '%s' must be printable ASCII without ':' "
			    "or spaces", label);
	if (!valid_text(value))
		return eds_error_set(err, EDS_EX_USAGE, "bag-info value of "
		    "'%s' contains a line break", label);
	b->info = xreallocarray(b->info, 2 * (b->ninfo + 1), sizeof *b->info);
	b->info[2 * b->ninfo] = xstrdup(label);
	b->info[2 * b->ninfo + 1] = xstrdup(value);
	b->ninfo++;
	return 0;
}

/* --- payload ------------------------------------------------------------------- */

static int
name_used(const struct eds_bag *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->nfiles; i++)
		if (strcmp(b->files[i].name, name) == 0)
			return 1;
	for (i = 0; i < b->nopen; i++)
		if (strcmp(b->open[i].name, name) == 0)
			return 1;
	return 0;
}

/* Make the directories of data/<name> below the temporary directory. */
static int
make_dirs(const struct eds_bag *b, const char *name, struct eds_error *err)
{
	char *path = xasprintf("%s/data/%s", b->tmpdir, name), *p;
	size_t off = strlen(b->tmpdir) + strlen("/data/");

	for (p = path + off; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0777) == -1 && errno != EEXIST) {
			eds_error_errno(err, EDS_EX_CANTCREAT, errno,
			    "cannot create '%s'", path);
			free(path);
			return -1;
		}
		*p = '/';
	}
	free(path);
	return 0;
}

struct eds_output *
eds_bag_payload_open(struct eds_bag *b, const char *name, int flags,
    struct eds_error *err)
{
	struct eds_output *out;
	char *path;

	if (b->sealed) {
		eds_error_set(err, EDS_EX_SOFTWARE, "the bag is sealed");
		return NULL;
	}
	if (check_name(name, err) == -1)
		return NULL;
	if (name_used(b, name)) {
		eds_error_set(err, EDS_EX_USAGE, "payload file 'data/%s' is "
		    "written twice", name);
		return NULL;
	}
	if (make_dirs(b, name, err) == -1)
		return NULL;
	path = xasprintf("%s/data/%s", b->tmpdir, name);
	out = eds_output_open(path, flags | EDS_OUT_EXCL, err);
	free(path);
	if (out == NULL)
		return NULL;
	b->open = xreallocarray(b->open, b->nopen + 1, sizeof *b->open);
	b->open[b->nopen].out = out;
	b->open[b->nopen].name = xstrdup(name);
	b->nopen++;
	return out;
}

/* Detach out from the open list; its name (owned by the caller) or NULL. */
static char *
detach(struct eds_bag *b, struct eds_output *out)
{
	size_t i;
	char *name;

	for (i = 0; i < b->nopen; i++) {
		if (b->open[i].out != out)
			continue;
		name = b->open[i].name;
		b->open[i] = b->open[--b->nopen];
		return name;
	}
	return NULL;
}

int
eds_bag_payload_commit(struct eds_bag *b, struct eds_output *out,
    struct eds_error *err)
{
	struct payload p;
	char *name = detach(b, out);

	if (name == NULL) {
		eds_output_abort(out);
		return eds_error_set(err, EDS_EX_SOFTWARE, "stream is not a "
		    "payload file of this bag");
	}
	if (eds_output_commit_sha(out, p.sha256, &p.bytes, err) == -1) {
		free(name);
		return -1;
	}
	p.name = name;
	b->files = xreallocarray(b->files, b->nfiles + 1, sizeof *b->files);
	b->files[b->nfiles++] = p;
	b->oxum_bytes += p.bytes;
	return 0;
}

void
eds_bag_payload_abort(struct eds_bag *b, struct eds_output *out)
{
	free(detach(b, out));
	eds_output_abort(out);
}

int
eds_bag_add_buffer(struct eds_bag *b, const char *name, const void *p,
    size_t n, struct eds_error *err)
{
	struct eds_output *out;

	if ((out = eds_bag_payload_open(b, name, 0, err)) == NULL)
		return -1;
	if (eds_output_write(out, p, n, err) == -1) {
		eds_bag_payload_abort(b, out);
		return -1;
	}
	return eds_bag_payload_commit(b, out, err);
}

int
eds_bag_add_file(struct eds_bag *b, const char *name, const char *src,
    struct eds_error *err)
{
	struct eds_output *out;
	char buf[65536];
	ssize_t n;
	int fd;

	if ((fd = open(src, O_RDONLY | O_CLOEXEC)) == -1)
		return eds_error_errno(err, EDS_EX_NOINPUT, errno,
		    "cannot open '%s'", src);
	if ((out = eds_bag_payload_open(b, name, 0, err)) == NULL) {
		close(fd);
		return -1;
	}
	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			eds_error_errno(err, EDS_EX_IOERR, errno,
			    "cannot read '%s'", src);
			goto fail;
		}
		if (n == 0)
			break;
		if (eds_output_write(out, buf, (size_t)n, err) == -1)
			goto fail;
	}
	close(fd);
	return eds_bag_payload_commit(b, out, err);
fail:
	close(fd);
	eds_bag_payload_abort(b, out);
	return -1;
}

const char *
eds_bag_work_path(struct eds_bag *b, const char *name, struct eds_error *err)
{
	char *dir;

	if (strchr(name, '/') != NULL || check_name(name, err) == -1) {
		eds_error_set(err, EDS_EX_USAGE, "bad scratch name '%s'", name);
		return NULL;
	}
	dir = xasprintf("%s/.work", b->tmpdir);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		eds_error_errno(err, EDS_EX_CANTCREAT, errno,
		    "cannot create '%s'", dir);
		free(dir);
		return NULL;
	}
	free(b->work);
	b->work = xasprintf("%s/%s", dir, name);
	free(dir);
	return b->work;
}

/* --- dictionary and provenance -------------------------------------------------- */

int
eds_bag_write_dictionary(struct eds_bag *b, const struct eds_dict_column *c,
    size_t n, struct eds_error *err)
{
	static char *const header[] = { "dataset", "column", "type", "role",
	    "transformation", "detail" };
	struct eds_output *out;
	char *row[6];
	size_t i;

	if ((out = eds_bag_payload_open(b, "dictionary.csv", 0, err)) == NULL)
		return -1;
	if (eds_csv_write_strings(out, header, 6, err) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		row[0] = (char *)(uintptr_t)(c[i].dataset ? c[i].dataset : "");
		row[1] = (char *)(uintptr_t)(c[i].column ? c[i].column : "");
		row[2] = (char *)(uintptr_t)(c[i].type ? c[i].type : "");
		row[3] = (char *)(uintptr_t)(c[i].role ? c[i].role : "");
		row[4] = (char *)(uintptr_t)(c[i].transformation ?
		    c[i].transformation : "");
		row[5] = (char *)(uintptr_t)(c[i].detail ? c[i].detail : "");
		if (eds_csv_write_strings(out, row, 6, err) == -1)
			goto fail;
	}
	return eds_bag_payload_commit(b, out, err);
fail:
	eds_bag_payload_abort(b, out);
	return -1;
}

static void
ind(struct eds_buf *b, int level)
{
	int i;

	eds_buf_addch(b, '\n');
	for (i = 0; i < level; i++)
		eds_buf_addstr(b, "  ");
}

/* "key": value-start, preceded by a comma unless first. */
static void
key(struct eds_buf *b, int level, int *first, const char *k)
{
	if (!*first)
		eds_buf_addch(b, ',');
	*first = 0;
	ind(b, level);
	eds_json_str(b, k);
	eds_buf_addstr(b, ": ");
}

static void
kstr(struct eds_buf *b, int level, int *first, const char *k, const char *v)
{
	key(b, level, first, k);
	eds_json_str(b, v);
}

static void
knum(struct eds_buf *b, int level, int *first, const char *k, uint64_t v)
{
	key(b, level, first, k);
	eds_buf_addf(b, "%llu", (unsigned long long)v);
}

static void
strarray(struct eds_buf *b, const char *const *v, size_t n)
{
	size_t i;

	eds_buf_addch(b, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			eds_buf_addstr(b, ", ");
		eds_json_str(b, v[i]);
	}
	eds_buf_addch(b, ']');
}

static void
kanon_summary_json(struct eds_buf *b, int level,
    const struct eds_kanon_summary *s, int with_hist)
{
	size_t i;
	int first = 1;

	eds_buf_addch(b, '{');
	knum(b, level + 1, &first, "rows", s->rows);
	knum(b, level + 1, &first, "classes", s->classes);
	knum(b, level + 1, &first, "min_k", s->min_k);
	knum(b, level + 1, &first, "classes_below_k", s->classes_below_k);
	knum(b, level + 1, &first, "rows_below_k", s->rows_below_k);
	if (with_hist) {
		key(b, level + 1, &first, "class_sizes");
		eds_buf_addch(b, '[');
		for (i = 0; i < s->nhist; i++) {
			if (i > 0)
				eds_buf_addch(b, ',');
			ind(b, level + 2);
			eds_buf_addf(b, "{\"size\": %llu, \"classes\": %llu}",
			    (unsigned long long)s->hist[i].size,
			    (unsigned long long)s->hist[i].classes);
		}
		if (s->nhist > 0)
			ind(b, level + 1);
		eds_buf_addch(b, ']');
	}
	ind(b, level);
	eds_buf_addch(b, '}');
}

static void
kanon_json(struct eds_buf *b, int level, const struct eds_prov_kanon *k)
{
	int first = 1;

	eds_buf_addch(b, '{');
	key(b, level + 1, &first, "quasi_identifiers");
	strarray(b, k->quasi_identifiers, k->nqi);
	knum(b, level + 1, &first, "k", k->k);
	kstr(b, level + 1, &first, "action", k->action);
	knum(b, level + 1, &first, "min_k", k->suppressed ? k->after.min_k :
	    k->before.min_k);
	key(b, level + 1, &first, "counted");
	kanon_summary_json(b, level + 1, &k->before, 1);
	if (k->suppressed) {
		knum(b, level + 1, &first, "suppressed_rows",
		    k->before.rows_below_k);
		key(b, level + 1, &first, "after_suppression");
		kanon_summary_json(b, level + 1, &k->after, 0);
	}
	ind(b, level);
	eds_buf_addch(b, '}');
}

void
eds_provenance_json(struct eds_buf *b, const struct eds_provenance *p)
{
	const struct eds_prov_dataset *d;
	size_t i, j;
	int first = 1, f2, f3;

	eds_buf_addch(b, '{');
	kstr(b, 1, &first, "format", "eds-provenance 1");
	kstr(b, 1, &first, "tool", "eds-tools " EDS_VERSION);
	key(b, 1, &first, "project");
	eds_buf_addch(b, '{');
	f2 = 1;
	kstr(b, 2, &f2, "id", p->project);
	kstr(b, 2, &f2, "title", p->title);
	if (p->purpose != NULL)
		kstr(b, 2, &f2, "purpose", p->purpose);
	if (p->requester != NULL)
		kstr(b, 2, &f2, "requester", p->requester);
	key(b, 2, &f2, "approval");
	eds_buf_addch(b, '{');
	f3 = 1;
	kstr(b, 3, &f3, "body", p->approval_body);
	kstr(b, 3, &f3, "reference", p->approval_reference);
	kstr(b, 3, &f3, "date", p->approval_date);
	ind(b, 2);
	eds_buf_addstr(b, "}");
	ind(b, 1);
	eds_buf_addch(b, '}');
	key(b, 1, &first, "consent");
	eds_buf_addch(b, '{');
	f2 = 1;
	kstr(b, 2, &f2, "regime", p->consent_regime);
	key(b, 2, &f2, "scopes");
	strarray(b, p->consent_scopes, p->nscopes);
	kstr(b, 2, &f2, "as_of", p->consent_as_of);
	if (p->consent_id_column != NULL)
		kstr(b, 2, &f2, "id_column", p->consent_id_column);
	if (p->registry_generation != NULL)
		kstr(b, 2, &f2, "registry_generation",
		    p->registry_generation);
	ind(b, 1);
	eds_buf_addch(b, '}');
	key(b, 1, &first, "period");
	if (p->period_start == NULL && p->period_end == NULL)
		eds_buf_addstr(b, "null");
	else {
		eds_buf_addstr(b, "{\"start\": ");
		eds_json_str(b, p->period_start);
		eds_buf_addstr(b, ", \"end\": ");
		eds_json_str(b, p->period_end);
		eds_buf_addch(b, '}');
	}
	kstr(b, 1, &first, "bagging_date", p->bagging_date);
	kstr(b, 1, &first, "key_id", p->key_id);
	if (p->domain != NULL)
		kstr(b, 1, &first, "domain", p->domain);
	kstr(b, 1, &first, "config_sha256", p->config_sha256);
	if (p->nconfigs > 0) {
		key(b, 1, &first, "configuration");
		eds_buf_addch(b, '[');
		for (i = 0; i < p->nconfigs; i++) {
			if (i > 0)
				eds_buf_addch(b, ',');
			ind(b, 2);
			eds_buf_addch(b, '{');
			f2 = 1;
			kstr(b, 3, &f2, "kind", p->configs[i].kind);
			if (p->configs[i].dataset != NULL)
				kstr(b, 3, &f2, "dataset",
				    p->configs[i].dataset);
			kstr(b, 3, &f2, "path", p->configs[i].path);
			kstr(b, 3, &f2, "sha256", p->configs[i].sha256);
			ind(b, 2);
			eds_buf_addch(b, '}');
		}
		ind(b, 1);
		eds_buf_addch(b, ']');
	}
	if (p->has_max_reject_rate) {
		key(b, 1, &first, "max_reject_rate");
		eds_buf_addf(b, "%g", p->max_reject_rate);
	}
	key(b, 1, &first, "inputs");
	eds_buf_addch(b, '[');
	for (i = 0; i < p->ninputs; i++) {
		if (i > 0)
			eds_buf_addch(b, ',');
		ind(b, 2);
		eds_buf_addch(b, '{');
		f2 = 1;
		kstr(b, 3, &f2, "dataset", p->inputs[i].dataset);
		kstr(b, 3, &f2, "path", p->inputs[i].path);
		kstr(b, 3, &f2, "sha256", p->inputs[i].sha256);
		knum(b, 3, &f2, "bytes", p->inputs[i].bytes);
		ind(b, 2);
		eds_buf_addch(b, '}');
	}
	if (p->ninputs > 0)
		ind(b, 1);
	eds_buf_addch(b, ']');
	key(b, 1, &first, "datasets");
	eds_buf_addch(b, '[');
	for (i = 0; i < p->ndatasets; i++) {
		d = &p->datasets[i];
		if (i > 0)
			eds_buf_addch(b, ',');
		ind(b, 2);
		eds_buf_addch(b, '{');
		f2 = 1;
		kstr(b, 3, &f2, "name", d->name);
		kstr(b, 3, &f2, "file", d->file);
		knum(b, 3, &f2, "rows_in", d->rows_in);
		knum(b, 3, &f2, "rows_out", d->rows_out);
		key(b, 3, &f2, "excluded");
		eds_buf_addch(b, '{');
		f3 = 1;
		for (j = 0; j < d->nexcluded; j++)
			knum(b, 4, &f3, d->excluded[j].name,
			    d->excluded[j].value);
		if (d->nexcluded > 0)
			ind(b, 3);
		eds_buf_addch(b, '}');
		key(b, 3, &f2, "k_anonymity");
		if (d->kanon == NULL)
			eds_buf_addstr(b, "null");
		else
			kanon_json(b, 3, d->kanon);
		ind(b, 2);
		eds_buf_addch(b, '}');
	}
	if (p->ndatasets > 0)
		ind(b, 1);
	eds_buf_addch(b, ']');
	ind(b, 0);
	eds_buf_addstr(b, "}\n");
}

int
eds_bag_write_provenance(struct eds_bag *b, const struct eds_provenance *p,
    struct eds_error *err)
{
	struct eds_provenance q = *p;
	struct eds_buf j = EDS_BUF_INIT;
	int rc;

	if (q.bagging_date == NULL)
		q.bagging_date = b->date;
	eds_provenance_json(&j, &q);
	rc = eds_bag_add_buffer(b, "provenance.json", j.p, j.len, err);
	eds_buf_release(&j);
	return rc;
}

/* --- seal ----------------------------------------------------------------------- */

struct tagfile {
	const char *name;
	char sha256[EDS_SHA256_HEX];
};

static int
write_tag(const struct eds_bag *b, const char *name, const struct eds_buf *text,
    char sha[EDS_SHA256_HEX], struct eds_error *err)
{
	struct eds_output *out;
	char *path = xasprintf("%s/%s", b->tmpdir, name);

	out = eds_output_open(path, EDS_OUT_EXCL, err);
	free(path);
	if (out == NULL)
		return -1;
	if (eds_output_write(out, text->p, text->len, err) == -1) {
		eds_output_abort(out);
		return -1;
	}
	return eds_output_commit_sha(out, sha, NULL, err);
}

struct sorted {
	char *enc;
	struct payload file;
};

static int
cmp_encoded(const void *a, const void *b)
{
	return strcmp(((const struct sorted *)a)->enc,
	    ((const struct sorted *)b)->enc);
}

static void
info_line(struct eds_buf *t, const char *label, const char *value)
{
	if (value != NULL)
		eds_buf_addf(t, "%s: %s\n", label, value);
}

/* Move target out of the way (force), then rename tmpdir to target. */
static int
put_in_place(struct eds_bag *b, struct eds_error *err)
{
	struct stat st;
	char *old = NULL, *parent;
	const char *base;
	int r;

#ifdef RENAME_NOREPLACE
	r = renameat2(AT_FDCWD, b->tmpdir, AT_FDCWD, b->target,
	    RENAME_NOREPLACE);
	if (r == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != EEXIST &&
	    errno != ENOTEMPTY)
		return eds_error_errno(err, EDS_EX_CANTCREAT, errno,
		    "cannot rename the bundle into '%s'", b->target);
#endif
	if (lstat(b->target, &st) == 0) {
		if (!(b->flags & EDS_BAG_FORCE))
			return eds_error_set(err, EDS_EX_CANTCREAT, "'%s' "
			    "appeared while the bundle was being written; "
			    "not replaced", b->target);
		parent = parent_of(b->target);
		base = strrchr(b->target, '/') != NULL ?
		    strrchr(b->target, '/') + 1 : b->target;
		old = xasprintf("%s/.%s.old-XXXXXX", parent, base);
		free(parent);
		if (S_ISDIR(st.st_mode)) {
			if (mkdtemp(old) == NULL || rename(b->target, old) ==
			    -1) {
				eds_error_errno(err, EDS_EX_CANTCREAT, errno,
				    "cannot move the old '%s' aside",
				    b->target);
				if (old[strlen(old) - 1] != 'X')
					(void)rmdir(old);
				free(old);
				return -1;
			}
		} else if (unlink(b->target) == -1) {
			eds_error_errno(err, EDS_EX_CANTCREAT, errno,
			    "cannot replace '%s'", b->target);
			free(old);
			return -1;
		} else {
			free(old);
			old = NULL;
		}
	}
	if (rename(b->tmpdir, b->target) == -1) {
		eds_error_errno(err, EDS_EX_CANTCREAT, errno,
		    "cannot rename the bundle into '%s'", b->target);
		if (old != NULL)
			(void)rename(old, b->target);
		free(old);
		return -1;
	}
	if (old != NULL) {
		rm_tree(old);
		free(old);
	}
	return 0;
}

int
eds_bag_seal(struct eds_bag *b, struct eds_error *err)
{
	struct eds_buf t = EDS_BUF_INIT;
	struct tagfile tags[3];
	struct sorted *sorted = NULL;
	char *work, *parent, *sig = NULL, *tm = NULL;
	size_t i;
	mode_t mask;
	int rc = -1;

	if (b->sealed)
		return eds_error_set(err, EDS_EX_SOFTWARE, "the bag is "
		    "already sealed");
	if (b->nopen > 0)
		return eds_error_set(err, EDS_EX_SOFTWARE, "payload file "
		    "'data/%s' is still open", b->open[0].name);
	work = xasprintf("%s/.work", b->tmpdir);
	rm_tree(work);
	free(work);

	/* bagit.txt */
	eds_buf_addstr(&t, "BagIt-Version: 1.0\nTag-File-Character-Encoding: "
	    "UTF-8\n");
	tags[1].name = "bagit.txt";
	if (write_tag(b, "bagit.txt", &t, tags[1].sha256, err) == -1)
		goto done;

	/* manifest-sha256.txt, sorted by encoded path */
	sorted = xcalloc(b->nfiles + 1, sizeof *sorted);
	for (i = 0; i < b->nfiles; i++) {
		eds_buf_reset(&t);
		eds_buf_addstr(&t, "data/");
		eds_bag_encode_path(&t, b->files[i].name);
		sorted[i].enc = xstrdup(t.p);
		sorted[i].file = b->files[i];
	}
	qsort(sorted, b->nfiles, sizeof *sorted, cmp_encoded);
	eds_buf_reset(&t);
	for (i = 0; i < b->nfiles; i++) {
		b->files[i] = sorted[i].file;
		eds_buf_addf(&t, "%s  %s\n", sorted[i].file.sha256,
		    sorted[i].enc);
	}
	tags[2].name = "manifest-sha256.txt";
	if (write_tag(b, "manifest-sha256.txt", &t, tags[2].sha256, err) == -1)
		goto done;

	/* bag-info.txt */
	eds_buf_reset(&t);
	info_line(&t, "Source-Organization", b->org);
	info_line(&t, "External-Identifier", b->ext_id);
	info_line(&t, "External-Description", b->ext_desc);
	info_line(&t, "Bagging-Date", b->date);
	info_line(&t, "Bag-Software-Agent", "eds-tools " EDS_VERSION);
	eds_buf_addf(&t, "Payload-Oxum: %llu.%llu\n",
	    (unsigned long long)b->oxum_bytes, (unsigned long long)b->nfiles);
	for (i = 0; i < b->ninfo; i++)
		info_line(&t, b->info[2 * i], b->info[2 * i + 1]);
	info_line(&t, EDS_BAG_TOOL_VERSION, EDS_VERSION);
	if (b->signer != NULL)
		info_line(&t, EDS_BAG_SIGNATURE, EDS_BAG_SIG_NAME);
	tags[0].name = "bag-info.txt";
	if (write_tag(b, "bag-info.txt", &t, tags[0].sha256, err) == -1)
		goto done;

	/* tagmanifest-sha256.txt: bag-info.txt < bagit.txt < manifest-... */
	eds_buf_reset(&t);
	for (i = 0; i < 3; i++)
		eds_buf_addf(&t, "%s  %s\n", tags[i].sha256, tags[i].name);
	if (write_tag(b, "tagmanifest-sha256.txt", &t, b->fingerprint, err) ==
	    -1)
		goto done;

	if (b->signer != NULL) {
		tm = xasprintf("%s/tagmanifest-sha256.txt", b->tmpdir);
		sig = xasprintf("%s/%s", b->tmpdir, EDS_BAG_SIG_NAME);
		if (eds_cms_sign_file(b->signer, tm, sig, EDS_OUT_EXCL,
		    err) == -1)
			goto done;
	}

	mask = umask(0);
	umask(mask);
	if (chmod(b->tmpdir, 0777 & ~mask) == -1) {
		eds_error_errno(err, EDS_EX_CANTCREAT, errno, "cannot set the "
		    "mode of '%s'", b->tmpdir);
		goto done;
	}
	fsync_failed = 0;
	(void)nftw(b->tmpdir, fsync_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (fsync_failed != 0) {
		eds_error_errno(err, EDS_EX_IOERR, fsync_failed, "cannot sync "
		    "'%s'", b->tmpdir);
		goto done;
	}
	if (put_in_place(b, err) == -1)
		goto done;
	parent = parent_of(b->target);
	(void)fsync_path(parent);
	free(parent);
	b->sealed = 1;
	rc = 0;
done:
	if (sorted != NULL)
		for (i = 0; i < b->nfiles; i++)
			free(sorted[i].enc);
	free(sorted);
	free(tm);
	free(sig);
	eds_buf_release(&t);
	return rc;
}

/* --- accessors and free ------------------------------------------------------------- */

void
eds_bag_free(struct eds_bag *b)
{
	size_t i;

	if (b == NULL)
		return;
	while (b->nopen > 0)
		eds_bag_payload_abort(b, b->open[0].out);
	if (!b->sealed && b->tmpdir != NULL)
		rm_tree(b->tmpdir);
	for (i = 0; i < 2 * b->ninfo; i++)
		free(b->info[i]);
	free(b->info);
	for (i = 0; i < b->nfiles; i++)
		free(b->files[i].name);
	free(b->files);
	free(b->open);
	free(b->work);
	free(b->target);
	free(b->tmpdir);
	free(b->date);
	free(b->org);
	free(b->ext_id);
	free(b->ext_desc);
	free(b);
}

const char *
eds_bag_target(const struct eds_bag *b)
{
	return b->target;
}

const char *
eds_bag_tmpdir(const struct eds_bag *b)
{
	return b->tmpdir;
}

void
eds_bag_oxum(const struct eds_bag *b, uint64_t *bytes, uint64_t *files)
{
	if (bytes != NULL)
		*bytes = b->oxum_bytes;
	if (files != NULL)
		*files = b->nfiles;
}

const char *
eds_bag_fingerprint(const struct eds_bag *b)
{
	return b->sealed ? b->fingerprint : NULL;
}

int
eds_bag_payload_file(const struct eds_bag *b, size_t i, const char **name,
    const char **sha, uint64_t *bytes)
{
	if (i >= b->nfiles)
		return -1;
	if (name != NULL)
		*name = b->files[i].name;
	if (sha != NULL)
		*sha = b->files[i].sha256;
	if (bytes != NULL)
		*bytes = b->files[i].bytes;
	return 0;
}
