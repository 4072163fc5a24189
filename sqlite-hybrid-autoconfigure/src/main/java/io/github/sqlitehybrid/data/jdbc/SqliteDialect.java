package io.github.sqlitehybrid.data.jdbc;

import java.util.Collection;
import org.springframework.data.relational.core.dialect.AbstractDialect;
import org.springframework.data.relational.core.dialect.IdGeneration;
import org.springframework.data.relational.core.dialect.InsertRenderContext;
import org.springframework.data.relational.core.dialect.InsertRenderContexts;
import org.springframework.data.relational.core.dialect.LimitClause;
import org.springframework.data.relational.core.dialect.LockClause;
import org.springframework.data.relational.core.sql.IdentifierProcessing;
import org.springframework.data.relational.core.sql.IdentifierProcessing.LetterCasing;
import org.springframework.data.relational.core.sql.IdentifierProcessing.Quoting;
import org.springframework.data.relational.core.sql.LockOptions;
import org.springframework.data.relational.core.sql.SqlIdentifier;
import org.springframework.data.relational.core.sql.render.UpsertRenderContext;
import org.springframework.data.relational.core.sql.render.UpsertRenderContexts;

/**
 * The SQL Spring Data's relational modules render for SQLite: identifiers in double quotes, {@code LIMIT ? OFFSET ?},
 * no lock clause, ids from the table's {@code INTEGER PRIMARY KEY}, and {@code java.time} values as ISO-8601 text.
 *
 * <p>Pessimistic locks ({@code @Lock}) render nothing: SQLite has no {@code SELECT ... FOR UPDATE}, and the starter
 * begins every write transaction with {@code BEGIN IMMEDIATE}, which takes the database's write lock before the
 * first read. Generated ids
 * come from the driver's generated keys (SQLite's {@code last_insert_rowid()}), one row at a time: the driver
 * returns no keys for a batch. Identifiers keep their letter case; SQLite compares them case-insensitively anyway.
 *
 * <p>{@code LocalDate}, {@code LocalTime}, {@code LocalDateTime} and {@code Instant} are stored as text of a fixed
 * width that SQLite's date and time functions read, so that comparing and ordering the text compares and orders
 * the values (for years 0000 to 9999):
 * <ul>
 *   <li>{@code LocalDate}: {@code 2026-03-01};
 *   <li>{@code LocalTime}: {@code 09:30:00.000000000};
 *   <li>{@code LocalDateTime}: {@code 2026-03-01 09:30:00.000000000}, SQLite's own separator;
 *   <li>{@code Instant}: {@code 2026-03-01 08:30:00.000000000Z}, in UTC.
 * </ul>
 * Nanoseconds are kept, so values read back equal the values written. Reading also accepts a {@code T} separator,
 * a shorter fraction or none, and for {@code Instant} any offset ({@code datetime('now')} is read as UTC). Booleans
 * are read from SQLite's integers.
 *
 * <p>It does not do arrays, sequences, upsert ({@code JdbcAggregateTemplate.upsert} fails), single query loading,
 * or {@code java.time} types beyond those four ({@code OffsetDateTime} and {@code ZonedDateTime} reach the driver as
 * they are), and it reads no epoch numbers into them. It cannot escape {@code %} and {@code _} in derived
 * {@code LIKE} queries ({@code Containing}, {@code StartingWith}, ...): Spring Data renders no {@code ESCAPE}
 * clause, and SQLite's {@code LIKE} has no default escape character.
 *
 * @since 0.1.0
 */
public class SqliteDialect extends AbstractDialect {

    private static final IdentifierProcessing IDENTIFIER_PROCESSING =
            IdentifierProcessing.create(Quoting.ANSI, LetterCasing.AS_IS);

    /** Create the dialect; {@link JdbcSqliteDialect#INSTANCE} is the one Spring Data JDBC uses. */
    protected SqliteDialect() {}

    @Override
    public IdentifierProcessing getIdentifierProcessing() {
        return IDENTIFIER_PROCESSING;
    }

    @Override
    public IdGeneration getIdGeneration() {
        return RowIdGeneration.INSTANCE;
    }

    @Override
    public LimitClause limit() {
        return SqliteLimitClause.INSTANCE;
    }

    @Override
    public LockClause lock() {
        return NoLockClause.INSTANCE;
    }

    @Override
    public Collection<Object> getConverters() {
        return SqliteConverters.all();
    }

    /** Single query loading ranks rows with {@code GREATEST}, which SQLite lacks. */
    @Override
    public boolean supportsSingleQueryLoading() {
        return false;
    }

    /** {@code INSERT INTO t DEFAULT VALUES}: SQLite rejects {@code VALUES (DEFAULT)}. */
    @Override
    public InsertRenderContext getInsertRenderContext() {
        return InsertRenderContexts.MS_SQL_SERVER;
    }

    /**
     * Unsupported: SQLite understands PostgreSQL's {@code ON CONFLICT} upsert, but Spring Data picks the upsert
     * statement by the dialect's name and would render a {@code MERGE}, which SQLite lacks.
     */
    @Override
    public UpsertRenderContext getUpsertRenderContext() {
        return UpsertRenderContexts.UNSUPPORTED;
    }

    private enum SqliteLimitClause implements LimitClause {
        INSTANCE;

        @Override
        public String getLimit(long limit) {
            return "LIMIT " + limit;
        }

        /** SQLite takes {@code OFFSET} only after a {@code LIMIT}; a negative limit is no limit. */
        @Override
        public String getOffset(long offset) {
            return "LIMIT -1 OFFSET " + offset;
        }

        @Override
        public String getLimitOffset(long limit, long offset) {
            return "LIMIT " + limit + " OFFSET " + offset;
        }

        @Override
        public Position getClausePosition() {
            return Position.AFTER_ORDER_BY;
        }
    }

    private enum NoLockClause implements LockClause {
        INSTANCE;

        @Override
        public String getLock(LockOptions lockOptions) {
            return "";
        }

        @Override
        public Position getClausePosition() {
            return Position.AFTER_ORDER_BY;
        }
    }

    private enum RowIdGeneration implements IdGeneration {
        INSTANCE;

        /** The driver reads generated keys with {@code last_insert_rowid()}, which knows only the last row. */
        @Override
        public boolean supportedForBatchOperations() {
            return false;
        }

        @Override
        public boolean sequencesSupported() {
            return false;
        }

        @Override
        public String createSequenceQuery(SqlIdentifier sequenceName) {
            throw new UnsupportedOperationException("SQLite has no sequences; use an INTEGER PRIMARY KEY");
        }
    }
}
