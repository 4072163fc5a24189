package io.github.sqlitehybrid.translation;

/**
 * How dates and times the application binds are stored: {@code sqlite.hybrid.translation.date-format}.
 *
 * @since 0.1.0
 */
public enum DateFormat {

    /**
     * As sqlite-jdbc stores them: epoch milliseconds unless its {@code date_class} property says otherwise. The
     * format of files written without the starter, so the default: an existing file keeps one format per column.
     */
    DRIVER,

    /**
     * As ISO-8601 text, the format of SQL scripts and of SQLite's own date functions: {@code 2010-03-04},
     * {@code 2010-03-04 09:30:15.123}, {@code 09:30:15.123}; instants and offset date-times in UTC with {@code Z}.
     * Choose it for a new file, or for one whose dates are already text (seeded by SQL scripts): SQLite orders and
     * compares every number before every text, so a column must not hold both.
     */
    ISO_8601
}
