/*
 * key.h: the master key of eds-pseudo (DESIGN section 4): a text file
 * holding, besides '#' comment lines and blank lines, one line of 64 hex
 * digits (32 bytes).  Loading refuses a symbolic link, anything but a
 * regular file, and a file that group or others may read or write (77,
 * unless the caller allows an unsafe key); a malformed, empty or
 * wrong-length key is 78.  Messages never quote the file's contents.
 * Key generation draws 32 bytes from the OS CSPRNG and creates the file
 * with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600: an existing file is never
 * overwritten.  The key id, safe to log, is the first 16 hex digits of
 * SHA-256("eds-key-id" || K).  Wipe a key with eds_key_wipe as soon as
 * the domain keys are derived.
 */
#ifndef EDS_KEY_H
#define EDS_KEY_H

#include <stddef.h>

#include "eds.h"

#define EDS_KEY_LEN 32
#define EDS_KEY_ID_LEN 16
#define EDS_KEY_FILE_MAX 4096	/* bytes: a key file is small */

struct eds_key {
	unsigned char k[EDS_KEY_LEN];
	char id[EDS_KEY_ID_LEN + 1];	/* hex, NUL-terminated */
	int unsafe;		/* loaded although group/others had access */
};

enum {
	EDS_KEY_ALLOW_UNSAFE = 1 << 0	/* accept group/other permissions */
};

/*
 * Load the key at path into key.  Fails with 66 (missing), 77 (symbolic
 * link, group/other access without EDS_KEY_ALLOW_UNSAFE, or no permission
 * to read), 78 (not a regular file, too large, malformed) or 74 (read
 * error).  On failure key is wiped.
 */
int eds_key_load(const char *path, int flags, struct eds_key *key,
    struct eds_error *);
/*
 * Parse the text of a key file (name is used in messages).  78 for an
 * empty file, a line that is not 64 hex digits, or several key lines.
 */
int eds_key_parse(const char *name, const char *text, size_t len,
    struct eds_key *key, struct eds_error *);
/*
 * Create a new key file at path (73 if it exists, is a symlink or cannot
 * be created; 74 if it cannot be written, the partial file then removed).
 * The new key is returned in key when not NULL (wipe it after use).
 */
int eds_keygen(const char *path, struct eds_key *key, struct eds_error *);
/* The key id of k[0..EDS_KEY_LEN) into id[EDS_KEY_ID_LEN + 1]. */
void eds_key_id(const unsigned char *k, char *id);
/* Overwrite the key bytes (the id stays). */
void eds_key_wipe(struct eds_key *);

#endif
