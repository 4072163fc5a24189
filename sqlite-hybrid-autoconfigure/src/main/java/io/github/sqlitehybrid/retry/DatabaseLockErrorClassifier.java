package io.github.sqlitehybrid.retry;

/**
 * A {@link LockErrorClassifier} for one database product. The starter picks the one that serves the
 * application's DataSource (see {@link DataSourceLockErrorClassifier}).
 *
 * <p>Supporting a third database takes one class: implement this interface (with a public no-argument
 * constructor) and list it in {@code META-INF/spring.factories} under
 * {@code io.github.sqlitehybrid.retry.DatabaseLockErrorClassifier}, as the starter does for
 * {@link SqliteLockErrorClassifier} and {@link PostgresLockErrorClassifier}.
 *
 * @since 0.1.0
 */
public interface DatabaseLockErrorClassifier extends LockErrorClassifier {

    /**
     * Whether this classifier serves the given database.
     * @param databaseProductName the name {@link java.sql.DatabaseMetaData#getDatabaseProductName()} reports,
     *     such as {@code SQLite} or {@code PostgreSQL}
     * @return {@code true} if this classifier knows that database's lock errors
     */
    boolean supports(String databaseProductName);
}
