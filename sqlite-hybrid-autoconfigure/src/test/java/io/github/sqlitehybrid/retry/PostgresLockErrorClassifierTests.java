package io.github.sqlitehybrid.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class PostgresLockErrorClassifierTests {

    private final PostgresLockErrorClassifier classifier = new PostgresLockErrorClassifier();

    @Test
    void namesTheThreeTransientConcurrencyErrorsBySqlState() {
        assertThat(this.classifier.lockErrorCode(new SQLException("any text", "40001")))
                .isEqualTo("serialization_failure");
        assertThat(this.classifier.lockErrorCode(new SQLException("any text", "40P01")))
                .isEqualTo("deadlock_detected");
        assertThat(this.classifier.lockErrorCode(new SQLException("any text", "55P03")))
                .isEqualTo("lock_not_available");
    }

    @Test
    void judgesByStateNeverByMessage() {
        assertThat(this.classifier.lockErrorCode(
                        new SQLException("could not serialize access due to concurrent update", "23505")))
                .isNull();
        assertThat(this.classifier.lockErrorCode(new SQLException("deadlock detected")))
                .isNull();
        assertThat(this.classifier.isLockError(new SQLException("duplicate key", "23505")))
                .isFalse();
    }

    @Test
    void findsTheErrorInsideSpringsTranslatedExceptionsAndBatchFailures() {
        SQLException serialization = new SQLException("could not serialize", "40001");
        assertThat(this.classifier.lockErrorCode(new CannotAcquireLockException("claim", serialization)))
                .isEqualTo("serialization_failure");
        assertThat(this.classifier.lockErrorCode(new RuntimeException(
                        new UncategorizedSQLException("claim", "UPDATE jobs", new SQLException("deadlock", "40P01")))))
                .isEqualTo("deadlock_detected");
        BatchUpdateException batch = new BatchUpdateException("batch failed", "25P02", new int[0]);
        batch.setNextException(new SQLException("lock timeout", "55P03"));
        assertThat(this.classifier.lockErrorCode(batch)).isEqualTo("lock_not_available");
        assertThat(this.classifier.lockErrorCode(
                        new DataIntegrityViolationException("dup", new SQLException("dup", "23505"))))
                .isNull();
    }

    @Test
    void leavesSqliteErrorsToTheSqliteClassifier() {
        assertThat(this.classifier.lockErrorCode(new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY)))
                .isNull();
    }

    @Test
    void servesPostgresqlOnly() {
        assertThat(this.classifier.supports("PostgreSQL")).isTrue();
        assertThat(this.classifier.supports("SQLite")).isFalse();
        assertThat(new SqliteLockErrorClassifier().supports("SQLite")).isTrue();
        assertThat(new SqliteLockErrorClassifier().supports("PostgreSQL")).isFalse();
    }
}
