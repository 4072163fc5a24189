package io.github.sqlitehybrid.writer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlStatementKindTests {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT * FROM jobs                                              | READ
            select id from jobs where status = 'queued'                     | READ
              -- a comment first\\n SELECT 1                                 | READ
            /* hint */ SELECT 1                                             | READ
            (SELECT 1) UNION (SELECT 2)                                     | READ
            VALUES (1), (2)                                                 | READ
            EXPLAIN QUERY PLAN SELECT * FROM jobs                           | READ
            WITH q AS (SELECT id FROM jobs) SELECT * FROM q                 | READ
            WITH q AS (SELECT 'update' AS word) SELECT * FROM q             | READ
            WITH q AS (SELECT id FROM jobs) UPDATE jobs SET x = 1           | WRITE
            WITH q AS (SELECT 1) INSERT INTO t SELECT * FROM q              | WRITE
            PRAGMA journal_mode                                             | READ
            PRAGMA table_info(jobs)                                         | READ
            PRAGMA main.index_list(jobs)                                    | READ
            PRAGMA user_version = 3                                         | WRITE
            PRAGMA incremental_vacuum(100)                                  | WRITE
            PRAGMA main.wal_checkpoint(TRUNCATE)                            | WRITE
            INSERT INTO jobs (status) VALUES ('queued')                     | WRITE
            insert into jobs values (1) returning id                        | WRITE
            UPDATE jobs SET status = 'running'                              | WRITE
            DELETE FROM jobs                                                | WRITE
            REPLACE INTO jobs VALUES (1)                                    | WRITE
            CREATE TABLE t (x)                                              | WRITE
            VACUUM                                                          | WRITE
            ATTACH DATABASE 'x.db' AS x                                     | WRITE
            BEGIN                                                           | BEGIN
            begin immediate                                                 | BEGIN
            SAVEPOINT unit                                                  | BEGIN
            COMMIT                                                          | END
            END TRANSACTION                                                 | END
            ROLLBACK                                                        | END
            ROLLBACK TO unit                                                | WRITE
            ROLLBACK TRANSACTION TO SAVEPOINT unit                          | WRITE
            RELEASE unit                                                    | WRITE
            """)
    void classifiesStatementsByWhatTheyDoToTheWriteLock(String sql, SqlStatementKind expected) {
        assertThat(SqlStatementKind.of(sql.replace("\\n", "\n"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            VACUUM                                          | true
            vacuum into 'backup.db'                         | true
            ATTACH DATABASE 'x.db' AS x                     | true
            DETACH x                                        | true
            PRAGMA journal_mode = WAL                       | true
            /* first */ PRAGMA foreign_keys = ON            | true
            INSERT INTO jobs (status) VALUES ('queued')     | false
            CREATE TABLE t (x)                              | false
            DELETE FROM jobs                                | false
            """)
    void statementsThatCannotRunInATransactionAreKnown(String sql, boolean outside) {
        assertThat(SqlStatementKind.runsOutsideTransactions(sql)).isEqualTo(outside);
    }
}
