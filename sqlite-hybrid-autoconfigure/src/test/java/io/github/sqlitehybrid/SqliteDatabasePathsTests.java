package io.github.sqlitehybrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What every feature reads from a JDBC URL, decided in one place. */
class SqliteDatabasePathsTests {

    @Test
    void onlyJdbcSqliteUrlsAreSqlites() {
        assertThat(SqliteDatabasePaths.isSqliteUrl("jdbc:sqlite:app.db")).isTrue();
        assertThat(SqliteDatabasePaths.isSqliteUrl("jdbc:postgresql://localhost/app"))
                .isFalse();
        assertThat(SqliteDatabasePaths.isSqliteUrl(null)).isFalse();
    }

    @Test
    void aFileUrlNamesAFileThatConnectionsShare() {
        assertThat(SqliteDatabasePaths.isFileUrl("jdbc:sqlite:./data/app.db")).isTrue();
        assertThat(SqliteDatabasePaths.isFileUrl("jdbc:sqlite:file:app.db?cache=shared"))
                .isTrue();
        assertThat(SqliteDatabasePaths.isFileUrl("jdbc:sqlite::memory:")).isFalse();
        assertThat(SqliteDatabasePaths.isFileUrl("jdbc:sqlite:file::memory:?cache=shared"))
                .isFalse();
        assertThat(SqliteDatabasePaths.isFileUrl("jdbc:sqlite:file:shared?mode=memory&cache=shared"))
                .isFalse();
        assertThat(SqliteDatabasePaths.isFileUrl("jdbc:sqlite:")).isFalse();
        assertThat(SqliteDatabasePaths.isFileUrl("jdbc:h2:mem:app")).isFalse();
    }

    @Test
    void theLocationIsWhatFollowsThePrefix() {
        assertThat(SqliteDatabasePaths.locationOf("jdbc:sqlite:file:app.db?mode=ro"))
                .isEqualTo("file:app.db?mode=ro");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SqliteDatabasePaths.locationOf("jdbc:h2:mem:app"))
                .withMessageContaining("jdbc:h2:mem:app");
    }

    @Test
    void theWritableFileIsAbsoluteAndAbsentForDatabasesThatWriteNoFile() {
        assertThat(SqliteDatabasePaths.writableFileOf("jdbc:sqlite:app.db"))
                .isEqualTo(Path.of("app.db").toAbsolutePath());
        assertThat(SqliteDatabasePaths.writableFileOf("jdbc:sqlite::memory:")).isNull();
        assertThat(SqliteDatabasePaths.writableFileOf("jdbc:sqlite:file:app.db?mode=ro"))
                .isNull();
        assertThat(SqliteDatabasePaths.writableFileOf("jdbc:sqlite:file:app.db?immutable=1"))
                .isNull();
        assertThat(SqliteDatabasePaths.writableFileOf("jdbc:postgresql://localhost/app"))
                .isNull();
    }
}
