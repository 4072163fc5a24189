package io.github.sqlitehybrid.it.batch;

/** An item of the input table, as the jobs read it. */
record Item(long id, String name) {}
