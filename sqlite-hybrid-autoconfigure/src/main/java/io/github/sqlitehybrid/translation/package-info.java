/**
 * SQLite's result codes turned into the JDBC 4 exception types and SQLStates that Spring, Hibernate and every
 * other JDBC library already understand, below the connection pool of the application's SQLite DataSource.
 */
@NullMarked
package io.github.sqlitehybrid.translation;

import org.jspecify.annotations.NullMarked;
