/*
 * scrub.h: the free-text scrubber of DESIGN section 4, for laboratory
 * comments and radiology, pathology and dictated reports.  It finds
 *
 *   - NIR numbers with a valid key, compact or with spaces, dots or hyphens
 *     (Corsica 2A/2B included)                                 -> [NIR]
 *   - telephone numbers: French national (0X XX XX XX XX with spaces, dots,
 *     hyphens or nothing, one separator throughout), 0 800 / 0800 forms,
 *     +33 / 0033 with or without (0), other international numbers written
 *     with + or 00 and 8 to 15 digits, North American (555) 123-4567 and
 *     555-123-4567                                              -> [TEL]
 *   - e-mail addresses, also written with (at) or [at]         -> [EMAIL]
 *   - the row's own identifying values (names, IPP, NDA, address, ...):
 *     case-, accent- and hyphen-insensitive, on word boundaries; a value
 *     of several words is also matched word by word, skipping words of
 *     fewer than 3 letters, particles and street words         -> [LABEL]
 *   - a person named after a title or form of address (Dr, Pr, Docteur,
 *     Professeur, M., Mme, Mlle, Madame, Monsieur, Me, Maître, Mr, Mrs,
 *     Ms, Prof., Doctor ...): one to four Capitalised name words or
 *     initials, with particles between them ("Dr Jean-Pierre Le Goff",
 *     "Mme de La Fontaine", "Pr J.-P. N'Diaye"), the title kept; a name
 *     that the row's values cover word for word keeps their labels
 *     instead                                                 -> [PERSONNE]
 *   - a French postcode followed by a city name ("75012 Paris")  -> [CP]
 *   - dates (12/03/2024, 12-03-24, 2024-03-12, 12 mars 2024, 1er mars
 *     2024): kept, shifted by the patient's offset in the same format, or
 *     replaced by [DATE]
 *
 * and replaces each with its token.  Findings that overlap become one,
 * covering them all, of the stronger kind: e-mail, NIR, telephone, row
 * value, person, postcode, date (so no part of either is left in clear).
 *
 * A scrubber is reused for every row: eds_scrub_row() names the row's
 * identifying values (they are folded lazily, once per row, only when
 * some text is scrubbed), eds_scrub() scrubs one text.  Memory is a few
 * scratch buffers that grow to the longest text seen and are reused; the
 * result is valid until the next call.  Nothing is printed or logged.
 */
#ifndef EDS_SCRUB_H
#define EDS_SCRUB_H

#include <stddef.h>
#include <stdint.h>

enum eds_scrub_kind {
	EDS_SCRUB_DATE,
	EDS_SCRUB_CP,
	EDS_SCRUB_PERSON,
	EDS_SCRUB_ROW,
	EDS_SCRUB_TEL,
	EDS_SCRUB_NIR,
	EDS_SCRUB_EMAIL,
	EDS_SCRUB_NKINDS
};

enum eds_scrub_dates {
	EDS_DATES_KEEP,
	EDS_DATES_SHIFT,
	EDS_DATES_REDACT
};

struct eds_scrub_span {
	size_t start, end;		/* bytes of the input text */
	enum eds_scrub_kind kind;
	const char *label;		/* EDS_SCRUB_ROW: the value's label */
};

struct eds_scrubber;

struct eds_scrubber *eds_scrubber_new(enum eds_scrub_dates);
void eds_scrubber_free(struct eds_scrubber *);

/*
 * Start a row: forget the previous row's values.  Then name each
 * identifying value with its label ("NOM", "IPP", ...); v must stay valid
 * until the next eds_scrub_row_begin.  Empty values and values of fewer
 * than 2 letters or digits are ignored.
 */
void eds_scrub_row_begin(struct eds_scrubber *);
void eds_scrub_row_value(struct eds_scrubber *, const char *v, size_t len,
    const char *label);

/*
 * Scrub text[0..len) (UTF-8).  offset is the patient's date shift in days
 * (0 when the row has none: dates to shift are then replaced by [DATE]).
 * *out and *outlen receive the result (pointing at text itself when
 * nothing was found); valid until the next call.
 */
void eds_scrub(struct eds_scrubber *, const char *text, size_t len,
    int offset, const char **out, size_t *outlen);

/* What the last eds_scrub found, in text order. */
size_t eds_scrub_spans(const struct eds_scrubber *,
    const struct eds_scrub_span **);
/* Findings by kind since the scrubber was made (dates: shifted or redacted). */
uint64_t eds_scrub_count(const struct eds_scrubber *, enum eds_scrub_kind);
/* "date", "cp", "person", "row", "tel", "nir", "email". */
const char *eds_scrub_kind_name(enum eds_scrub_kind);

#endif
