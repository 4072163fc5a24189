/**
 * Writes serialized inside the JVM before they reach SQLite: the single writer's write turn, reads kept
 * apart on their own connections, and group commit.
 */
@NullMarked
package io.github.sqlitehybrid.writer;

import org.jspecify.annotations.NullMarked;
