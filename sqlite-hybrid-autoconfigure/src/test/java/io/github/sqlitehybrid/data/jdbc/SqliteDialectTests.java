package io.github.sqlitehybrid.data.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.relational.core.dialect.RenderContextFactory;
import org.springframework.data.relational.core.sql.Column;
import org.springframework.data.relational.core.sql.Insert;
import org.springframework.data.relational.core.sql.LockMode;
import org.springframework.data.relational.core.sql.Select;
import org.springframework.data.relational.core.sql.SelectBuilder.SelectFromAndOrderBy;
import org.springframework.data.relational.core.sql.SqlIdentifier;
import org.springframework.data.relational.core.sql.Table;
import org.springframework.data.relational.core.sql.render.SqlRenderer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The SQL the dialect renders, and SQLite running it: limits and offsets in the only order SQLite takes, no lock
 * clause, identifiers in double quotes, and an insert of defaults only.
 */
class SqliteDialectTests {

    private static final int ROWS = 30;

    // A reserved word: the statements only run if it is quoted.
    private static final Table ORDERS = Table.create(SqlIdentifier.quoted("order"));

    private static final Column ID = ORDERS.column(SqlIdentifier.quoted("id"));

    private final SqlRenderer renderer =
            SqlRenderer.create(new RenderContextFactory(JdbcSqliteDialect.INSTANCE).createRenderContext());

    @TempDir
    Path dir;

    @Test
    void limitAndOffsetRenderAsLimitThenOffset() {
        assertThat(render(ordered().limitOffset(10, 20).build()))
                .endsWith(" ORDER BY \"order\".\"id\" LIMIT 10 OFFSET 20");
        assertThat(render(ordered().limit(10).build())).endsWith(" ORDER BY \"order\".\"id\" LIMIT 10");
        assertThat(render(ordered().offset(20).build())).endsWith(" ORDER BY \"order\".\"id\" LIMIT -1 OFFSET 20");
    }

    @Test
    void sqliteRunsTheRenderedLimitsAndOffsets() {
        JdbcTemplate jdbc = databaseWithOrders();
        assertThat(ids(jdbc, ordered().limitOffset(10, 20).build())).isEqualTo(range(21, 30));
        assertThat(ids(jdbc, ordered().limit(3).build())).isEqualTo(range(1, 3));
        assertThat(ids(jdbc, ordered().offset(25).build())).isEqualTo(range(26, ROWS));
    }

    @Test
    void aPessimisticLockRendersNothingAndSqliteRunsTheQuery() {
        JdbcTemplate jdbc = databaseWithOrders();
        String unlocked = render(ordered().limit(5).build());
        for (LockMode mode : LockMode.values()) {
            Select locked = ordered().limit(5).lock(mode).build();
            assertThat(render(locked)).isEqualTo(unlocked);
            assertThat(ids(jdbc, locked)).isEqualTo(range(1, 5));
        }
    }

    @Test
    void identifiersAreQuotedWithDoubleQuotesAndKeepTheirCase() {
        assertThat(SqlIdentifier.quoted("Order").toSql(JdbcSqliteDialect.INSTANCE.getIdentifierProcessing()))
                .isEqualTo("\"Order\"");
        assertThat(render(ordered().build()))
                .isEqualTo("SELECT \"order\".\"id\" FROM \"order\" ORDER BY \"order\".\"id\"");
    }

    @Test
    void anInsertWithoutColumnsInsertsDefaultValues() {
        JdbcTemplate jdbc = databaseWithOrders();
        String insert = this.renderer.render(Insert.builder().into(ORDERS).build());
        assertThat(insert).isEqualTo("INSERT INTO \"order\" DEFAULT VALUES");
        jdbc.update(insert);
        assertThat(jdbc.queryForObject("SELECT max(id) FROM \"order\"", Long.class))
                .isEqualTo(ROWS + 1);
    }

    private SelectFromAndOrderBy ordered() {
        return Select.builder().select(ID).from(ORDERS).orderBy(ID);
    }

    private String render(Select select) {
        return this.renderer.render(select);
    }

    private List<Long> ids(JdbcTemplate jdbc, Select select) {
        return jdbc.queryForList(render(select), Long.class);
    }

    private JdbcTemplate databaseWithOrders() {
        JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource("jdbc:sqlite:" + this.dir.resolve("sql.db")));
        jdbc.execute("CREATE TABLE \"order\" (id INTEGER PRIMARY KEY)");
        jdbc.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + ROWS + ")"
                + " INSERT INTO \"order\" SELECT i FROM n");
        return jdbc;
    }

    private static List<Long> range(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().toList();
    }
}
