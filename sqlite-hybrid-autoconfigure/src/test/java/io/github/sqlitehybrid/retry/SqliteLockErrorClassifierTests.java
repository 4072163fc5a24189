package io.github.sqlitehybrid.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.UncategorizedSQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class SqliteLockErrorClassifierTests {

    private final SqliteLockErrorClassifier classifier = new SqliteLockErrorClassifier();

    @Test
    void recognisesPrimaryBusyAndLockedCodes() {
        assertThat(this.classifier.lockErrorCode(sqlite(SQLiteErrorCode.SQLITE_BUSY)))
                .isEqualTo("SQLITE_BUSY");
        assertThat(this.classifier.lockErrorCode(sqlite(SQLiteErrorCode.SQLITE_LOCKED)))
                .isEqualTo("SQLITE_LOCKED");
    }

    @Test
    void recognisesExtendedBusyAndLockedCodes() {
        assertThat(this.classifier.lockErrorCode(sqlite(SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT)))
                .isEqualTo("SQLITE_BUSY_SNAPSHOT");
        assertThat(this.classifier.lockErrorCode(sqlite(SQLiteErrorCode.SQLITE_BUSY_RECOVERY)))
                .isEqualTo("SQLITE_BUSY_RECOVERY");
        assertThat(this.classifier.lockErrorCode(sqlite(SQLiteErrorCode.SQLITE_LOCKED_SHAREDCACHE)))
                .isEqualTo("SQLITE_LOCKED_SHAREDCACHE");
    }

    @Test
    void findsLockErrorWrappedBySpringAndByTheApplication() {
        UncategorizedSQLException spring =
                new UncategorizedSQLException("claim", "UPDATE jobs", sqlite(SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT));
        IllegalStateException application = new IllegalStateException("claim failed", spring);
        assertThat(this.classifier.lockErrorCode(spring)).isEqualTo("SQLITE_BUSY_SNAPSHOT");
        assertThat(this.classifier.lockErrorCode(application)).isEqualTo("SQLITE_BUSY_SNAPSHOT");
    }

    @Test
    void findsLockErrorInTheNextExceptionChain() {
        BatchUpdateException batch = new BatchUpdateException();
        batch.setNextException(sqlite(SQLiteErrorCode.SQLITE_BUSY));
        assertThat(this.classifier.lockErrorCode(batch)).isEqualTo("SQLITE_BUSY");
    }

    @Test
    void ignoresOtherSqliteErrors() {
        assertThat(this.classifier.lockErrorCode(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE)))
                .isNull();
        assertThat(this.classifier.lockErrorCode(sqlite(SQLiteErrorCode.SQLITE_FULL)))
                .isNull();
        assertThat(this.classifier.lockErrorCode(sqlite(SQLiteErrorCode.SQLITE_READONLY)))
                .isNull();
    }

    @Test
    void judgesByCodeNotByMessage() {
        SQLiteException constraintSayingLocked =
                new SQLiteException("database is locked", SQLiteErrorCode.SQLITE_CONSTRAINT);
        assertThat(this.classifier.lockErrorCode(constraintSayingLocked)).isNull();
        assertThat(this.classifier.lockErrorCode(new SQLException("database is locked")))
                .isNull();
        assertThat(this.classifier.lockErrorCode(new RuntimeException("SQLITE_BUSY")))
                .isNull();
    }

    @Test
    void survivesACyclicCauseChain() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);
        assertThat(this.classifier.lockErrorCode(first)).isNull();
    }

    private static SQLiteException sqlite(SQLiteErrorCode code) {
        return new SQLiteException("[" + code.name() + "] " + code.message, code);
    }
}
