package io.github.sqlitehybrid.retry;

import java.sql.DatabaseMetaData;
import java.util.List;
import javax.sql.DataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * The {@link LockErrorClassifier} the starter configures: the {@link DatabaseLockErrorClassifier} that serves
 * the application's database, chosen from the DataSource's {@link DatabaseMetaData#getDatabaseProductName()
 * product name} once the application context has started.
 *
 * <p>The candidates are those listed in {@code META-INF/spring.factories} under
 * {@code io.github.sqlitehybrid.retry.DatabaseLockErrorClassifier}: SQLite and PostgreSQL from the starter,
 * and any a library or the application adds. Until the product is known (or when the database cannot be
 * reached at startup), a failure is a lock error if any candidate says so; asking the database again while
 * handling a failure could wait for a connection, so it is never done. A database no candidate serves gets
 * no lock errors at all, and a warning says so once.
 *
 * @since 0.1.0
 */
public final class DataSourceLockErrorClassifier implements LockErrorClassifier, SmartInitializingSingleton {

    private static final Log logger = LogFactory.getLog(DataSourceLockErrorClassifier.class);

    private final @Nullable DataSource dataSource;

    private final List<DatabaseLockErrorClassifier> candidates;

    private volatile @Nullable String databaseProductName;

    private volatile @Nullable List<DatabaseLockErrorClassifier> chosen;

    /**
     * Create a classifier that picks among the given candidates.
     * @param dataSource the application's DataSource, or {@code null} when there is not exactly one
     * @param candidates the classifiers to pick from, in order of preference
     */
    public DataSourceLockErrorClassifier(
            @Nullable DataSource dataSource, List<? extends DatabaseLockErrorClassifier> candidates) {
        this.dataSource = dataSource;
        this.candidates = List.copyOf(candidates);
    }

    /**
     * The classifiers listed in {@code META-INF/spring.factories}.
     * @param classLoader where to look for the lists
     * @return the classifiers, in the order Spring's factories loader gives
     */
    public static List<DatabaseLockErrorClassifier> registered(@Nullable ClassLoader classLoader) {
        return SpringFactoriesLoader.forDefaultResourceLocation(classLoader).load(DatabaseLockErrorClassifier.class);
    }

    /** Reads the database's product name and picks the classifier; called once the context has started. */
    @Override
    public void afterSingletonsInstantiated() {
        if (this.dataSource == null) {
            return;
        }
        String product;
        try {
            product = JdbcUtils.extractDatabaseMetaData(this.dataSource, DatabaseMetaData::getDatabaseProductName);
        } catch (MetaDataAccessException ex) {
            logger.warn("Could not read the database's product name (" + ex.getMessage() + "); lock errors are"
                    + " recognised by every known database's rules");
            return;
        }
        List<DatabaseLockErrorClassifier> serving = this.candidates.stream()
                .filter((candidate) -> candidate.supports(product))
                .limit(1)
                .toList();
        if (serving.isEmpty()) {
            logger.warn("No lock error classifier serves " + product + ": @DbRetry and DbRetryTemplate will retry"
                    + " nothing. Add a DatabaseLockErrorClassifier for it (see its Javadoc) or declare a"
                    + " LockErrorClassifier bean");
        }
        this.databaseProductName = product;
        this.chosen = serving;
    }

    /**
     * The database's product name, once read.
     * @return the name, or {@code null} before startup or when the database could not be reached
     */
    public @Nullable String getDatabaseProductName() {
        return this.databaseProductName;
    }

    @Override
    public @Nullable String lockErrorCode(Throwable failure) {
        List<DatabaseLockErrorClassifier> classifiers = this.chosen;
        for (DatabaseLockErrorClassifier classifier : (classifiers != null) ? classifiers : this.candidates) {
            String code = classifier.lockErrorCode(failure);
            if (code != null) {
                return code;
            }
        }
        return null;
    }
}
