/*
 * ingest_junit.h - the part of `ingest junit` other commands reuse
 * (commands/ only): JUnit files parsed into a run writer.
 */
#ifndef TESTPUMP_COMMANDS_INGEST_JUNIT_H
#define TESTPUMP_COMMANDS_INGEST_JUNIT_H

#include "ingest/paths.h"
#include "store/runs.h"

/*
 * Parses every file of files (JUnit XML, gzip-compressed or not) in order
 * into w, as attempts and suites of its run.  A bad file stops it: -1
 * with the message naming the file, line and column; the caller then
 * aborts w, so nothing of the run is stored.
 */
int ingest_junit_files(const struct path_list *files, struct run_writer *w);

#endif
