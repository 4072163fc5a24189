/**
 * Quartz's JDBC job store on SQLite: the schema Spring Boot initializes, a driver delegate that reads
 * serialized data as bytes, and a row lock SQLite can parse.
 */
@NullMarked
package io.github.sqlitehybrid.quartz;

import org.jspecify.annotations.NullMarked;
