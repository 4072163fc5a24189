/**
 * A Spring Data JDBC dialect for SQLite, found by Spring Data's dialect resolution, so that
 * {@code spring-boot-starter-data-jdbc} repositories run on a SQLite file with no setting.
 */
@NullMarked
package io.github.sqlitehybrid.data.jdbc;

import org.jspecify.annotations.NullMarked;
