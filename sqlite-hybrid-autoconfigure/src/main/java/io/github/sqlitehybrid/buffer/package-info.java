/**
 * The write buffer: background workers' writes coalesced in memory and flushed in short batch transactions, off
 * SQLite's single write lock.
 */
@NullMarked
package io.github.sqlitehybrid.buffer;

import org.jspecify.annotations.NullMarked;
