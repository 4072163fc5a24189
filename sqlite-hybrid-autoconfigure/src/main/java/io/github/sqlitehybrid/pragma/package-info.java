/**
 * PRAGMAs from {@code sqlite.hybrid.pragmas.*}, applied to every physical connection of the application's SQLite {@link javax.sql.DataSource}.
 */
@NullMarked
package io.github.sqlitehybrid.pragma;

import org.jspecify.annotations.NullMarked;
