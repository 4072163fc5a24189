/**
 * Routine maintenance of the application's SQLite database: WAL checkpoints under control, a warning when the WAL
 * outgrows its limit, and {@code PRAGMA optimize}.
 */
@NullMarked
package io.github.sqlitehybrid.maintenance;

import org.jspecify.annotations.NullMarked;
