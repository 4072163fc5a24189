/**
 * {@link io.github.sqlitehybrid.retry.DbRetry @DbRetry}: whole transactions retried on SQLite lock errors, with lock statistics and Micrometer meters.
 */
@NullMarked
package io.github.sqlitehybrid.retry;

import org.jspecify.annotations.NullMarked;
