package io.github.sqlitehybrid;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/**
 * Matches unless {@code spring.datasource.url} names another database than SQLite: it keeps the parts of the
 * starter that only make sense on SQLite (its health indicator, group commit, the single writer) out of an
 * application that moved to PostgreSQL or another database by changing that URL. Without the property (a
 * DataSource declared in code, say) it matches, and those parts check the DataSource itself at run time.
 *
 * @since 0.1.0
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(OnSqliteDatabaseCondition.class)
public @interface ConditionalOnSqliteDatabase {

    /** The property whose JDBC URL is judged. */
    String URL_PROPERTY = "spring.datasource.url";

    /** How every SQLite JDBC URL starts. */
    String SQLITE_URL_PREFIX = "jdbc:sqlite:";
}
