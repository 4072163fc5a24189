package io.github.sqlitehybrid.it.batch;

/** An item as the jobs write it, with the thread that processed it: the output shows how many threads took part. */
record CopiedItem(long id, String name, String processedBy) {}
