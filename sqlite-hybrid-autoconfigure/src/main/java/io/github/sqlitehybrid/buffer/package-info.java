/**
 * The write buffer: background workers' writes coalesced in memory and flushed in short batch transactions, off
 * SQLite's single write lock; on PostgreSQL the same calls, flushed in JDBC transactions.
 */
@NullMarked
package io.github.sqlitehybrid.buffer;

import org.jspecify.annotations.NullMarked;
