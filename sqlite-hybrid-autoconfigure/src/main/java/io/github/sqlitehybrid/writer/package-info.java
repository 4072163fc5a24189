/**
 * Writing to SQLite from many threads through one connection: the {@link io.github.sqlitehybrid.writer.GroupCommitWriter},
 * which runs many small units of work in one transaction.
 */
@NullMarked
package io.github.sqlitehybrid.writer;

import org.jspecify.annotations.NullMarked;
