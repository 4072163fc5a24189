/**
 * sqlite-hybrid: a Spring Boot starter that makes SQLite dependable when many threads write. Holds what every capability shares: configuration errors and their failure analysis.
 */
@NullMarked
package io.github.sqlitehybrid;

import org.jspecify.annotations.NullMarked;
