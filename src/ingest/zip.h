/*
 * zip.h - reading the files inside a zip archive (CI artifacts), safely.
 *
 * GitHub Actions hands artifacts out as zip archives, and Taskcluster and
 * Bitrise builds often publish their test results zipped.  This reader
 * takes the central directory at the end of the archive (no zip64, no
 * encryption, no multi-disk) and inflates the entries a caller wants with
 * zlib's raw inflate, one at a time, into memory.
 *
 * The archive is untrusted, so:
 *   - an entry whose name is absolute, holds a "..", a backslash or a
 *     control character is refused (a caller that wrote entries out by
 *     name would otherwise write outside its folder);
 *   - an entry larger than the per-entry cap, or entries whose sizes add
 *     up past the total cap, are refused before a byte is inflated, and an
 *     entry that inflates to more than it declared is refused as soon as
 *     it does (a zip bomb cannot lie its way past the caps);
 *   - offsets and sizes that point outside the file, a truncated entry
 *     and a wrong CRC-32 are errors naming the archive and the entry.
 * Nothing here knows about JUnit, the store or the network.
 */
#ifndef TESTPUMP_INGEST_ZIP_H
#define TESTPUMP_INGEST_ZIP_H

#include <stddef.h>
#include <stdint.h>

struct zip_limits {
	uint64_t max_entry;   /* bytes one entry may inflate to */
	uint64_t max_total;   /* bytes all wanted entries may inflate to */
	uint64_t max_entries; /* entries the directory may hold */
};

/* 64 MiB per entry, 256 MiB in all, 65,535 entries. */
void zip_limits_init(struct zip_limits *l);

/*
 * For every file entry of the zip archive at path (directories are
 * skipped) whose name want() accepts (want may be NULL: every entry),
 * inflates it and calls fn with its name and bytes (borrowed, valid during
 * the call; data is followed by a NUL).  Entries come in directory order.
 * Returns 0; fn's non-zero value when it stopped the walk; or -1 with the
 * message set ("zip 'PATH': entry 'NAME': ...") when the archive is
 * unreadable, malformed, or breaks a rule above.
 */
int zip_each(const char *path, const struct zip_limits *lim,
	     int (*want)(const char *name, void *ctx),
	     int (*fn)(const char *name, const char *data, size_t len,
		       void *ctx),
	     void *ctx);

/* True when name is safe to use as a relative path (see above). */
int zip_name_safe(const char *name);

#endif
