package io.github.sqlitehybrid.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.testsupport.LocalPostgres;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class DataSourceLockErrorClassifierTests {

    private static final SQLException SERIALIZATION_FAILURE = new SQLException("could not serialize", "40001");

    private static final SQLiteException BUSY_SNAPSHOT =
            new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT);

    @TempDir
    Path dir;

    @Test
    void listsTheStartersClassifiersInSpringFactories() {
        assertThat(DataSourceLockErrorClassifier.registered(getClass().getClassLoader()))
                .hasExactlyElementsOfTypes(SqliteLockErrorClassifier.class, PostgresLockErrorClassifier.class);
    }

    @Test
    void usesTheSqliteRulesOnlyForASqliteDatabase() {
        SQLiteDataSource sqlite = new SQLiteDataSource();
        sqlite.setUrl("jdbc:sqlite:" + this.dir.resolve("classifier.db"));
        DataSourceLockErrorClassifier classifier = started(sqlite);

        assertThat(classifier.getDatabaseProductName()).isEqualTo("SQLite");
        assertThat(classifier.lockErrorCode(BUSY_SNAPSHOT)).isEqualTo("SQLITE_BUSY_SNAPSHOT");
        assertThat(classifier.lockErrorCode(SERIALIZATION_FAILURE)).isNull();
    }

    @Test
    void usesThePostgresqlRulesOnlyForAPostgresqlDatabase() {
        LocalPostgres server = LocalPostgres.assumeAvailable();
        DriverManagerDataSource postgres =
                new DriverManagerDataSource(server.createDatabase("classifier"), LocalPostgres.USER, "");
        DataSourceLockErrorClassifier classifier = started(postgres);

        assertThat(classifier.getDatabaseProductName()).isEqualTo("PostgreSQL");
        assertThat(classifier.lockErrorCode(SERIALIZATION_FAILURE)).isEqualTo("serialization_failure");
        assertThat(classifier.lockErrorCode(BUSY_SNAPSHOT)).isNull();
    }

    @Test
    void knowsEveryDatabasesLockErrorsUntilTheProductIsKnown() {
        DataSourceLockErrorClassifier classifier = new DataSourceLockErrorClassifier(null, candidates());
        classifier.afterSingletonsInstantiated();

        assertThat(classifier.getDatabaseProductName()).isNull();
        assertThat(classifier.lockErrorCode(BUSY_SNAPSHOT)).isEqualTo("SQLITE_BUSY_SNAPSHOT");
        assertThat(classifier.lockErrorCode(SERIALIZATION_FAILURE)).isEqualTo("serialization_failure");
    }

    @Test
    void knowsEveryDatabasesLockErrorsWhenTheDatabaseCannotBeReachedAtStartup() {
        DriverManagerDataSource unreachable =
                new DriverManagerDataSource("jdbc:sqlite:" + this.dir.resolve("none/x.db"));
        DataSourceLockErrorClassifier classifier = started(unreachable);

        assertThat(classifier.getDatabaseProductName()).isNull();
        assertThat(classifier.lockErrorCode(BUSY_SNAPSHOT)).isEqualTo("SQLITE_BUSY_SNAPSHOT");
        assertThat(classifier.lockErrorCode(SERIALIZATION_FAILURE)).isEqualTo("serialization_failure");
    }

    @Test
    void retriesNothingOnADatabaseNoClassifierServes() {
        SQLiteDataSource sqlite = new SQLiteDataSource();
        sqlite.setUrl("jdbc:sqlite:" + this.dir.resolve("unserved.db"));
        DataSourceLockErrorClassifier classifier =
                new DataSourceLockErrorClassifier(sqlite, List.of(new PostgresLockErrorClassifier()));
        classifier.afterSingletonsInstantiated();

        assertThat(classifier.lockErrorCode(BUSY_SNAPSHOT)).isNull();
        assertThat(classifier.lockErrorCode(SERIALIZATION_FAILURE)).isNull();
    }

    private static DataSourceLockErrorClassifier started(javax.sql.DataSource dataSource) {
        DataSourceLockErrorClassifier classifier = new DataSourceLockErrorClassifier(dataSource, candidates());
        classifier.afterSingletonsInstantiated();
        return classifier;
    }

    private static List<DatabaseLockErrorClassifier> candidates() {
        return List.of(new SqliteLockErrorClassifier(), new PostgresLockErrorClassifier());
    }
}
