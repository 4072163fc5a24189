/**
 * The log database: application logs written to their own SQLite file, in batches, by one background
 * thread, so that logging never waits for the main database and the main database never waits for logging.
 */
@NullMarked
package io.github.sqlitehybrid.logdb;

import org.jspecify.annotations.NullMarked;
