/**
 * Online backups of the application's SQLite database: consistent copies taken with {@code VACUUM INTO} while the
 * service writes, verified and renamed into place once complete, on a schedule and on demand, with retention.
 */
@NullMarked
package io.github.sqlitehybrid.backup;

import org.jspecify.annotations.NullMarked;
