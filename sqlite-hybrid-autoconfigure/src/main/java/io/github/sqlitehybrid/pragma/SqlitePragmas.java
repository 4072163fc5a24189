package io.github.sqlitehybrid.pragma;

import io.github.sqlitehybrid.InvalidSqliteHybridPropertyException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The validated PRAGMAs to run on each new SQLite connection, in the order they run.
 *
 * <p>Built once at startup from {@link PragmaProperties}. Every name is an identifier and every value an
 * integer or a keyword, checked here, so nothing unvalidated reaches SQL. {@code busy_timeout} runs first
 * so that switching the journal mode waits for other connections instead of failing.
 *
 * @since 0.1.0
 */
public final class SqlitePragmas {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final Pattern VALUE = Pattern.compile("-?[0-9]+|[A-Za-z_][A-Za-z0-9_]*");

    private static final String EXTRA_PROPERTY = "sqlite.hybrid.pragmas.extra.";

    private final List<Pragma> pragmas;

    private SqlitePragmas(List<Pragma> pragmas) {
        this.pragmas = Collections.unmodifiableList(pragmas);
    }

    /**
     * Check the given properties and build the PRAGMAs they describe.
     * @param properties the bound properties
     * @return the PRAGMAs to apply
     * @throws InvalidSqliteHybridPropertyException if an extra PRAGMA's name or value is not acceptable
     */
    public static SqlitePragmas from(PragmaProperties properties) {
        List<Pragma> pragmas = new ArrayList<>();
        pragmas.add(new Pragma("busy_timeout", properties.getBusyTimeout().toMillis()));
        pragmas.add(new Pragma("journal_mode", properties.getJournalMode().sqlValue()));
        pragmas.add(new Pragma(
                "synchronous",
                properties.getSynchronous().name(),
                properties.getSynchronous().level()));
        pragmas.add(new Pragma(
                "foreign_keys", properties.isForeignKeys() ? "ON" : "OFF", properties.isForeignKeys() ? 1 : 0));
        // A negative cache_size is a size in KiB rather than a number of pages, so it does not depend on page size.
        pragmas.add(new Pragma("cache_size", -properties.getCacheSize().toKilobytes()));
        pragmas.add(new Pragma(
                "temp_store",
                properties.getTempStore().name(),
                properties.getTempStore().level()));
        pragmas.add(new Pragma("mmap_size", properties.getMmapSize().toBytes()));
        pragmas.add(new Pragma(
                "journal_size_limit", properties.getJournalSizeLimit().toBytes()));
        pragmas.add(new Pragma("wal_autocheckpoint", properties.getWalAutocheckpoint()));
        for (Map.Entry<String, String> entry : properties.getExtra().entrySet()) {
            pragmas.add(extra(entry.getKey(), entry.getValue(), pragmas));
        }
        return new SqlitePragmas(pragmas);
    }

    private static Pragma extra(String name, String value, List<Pragma> defined) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new InvalidSqliteHybridPropertyException(
                    EXTRA_PROPERTY + name, name, "PRAGMA name is not an identifier", List.of("[A-Za-z_][A-Za-z0-9_]*"));
        }
        String lowerName = name.toLowerCase(Locale.ROOT);
        for (Pragma pragma : defined) {
            if (pragma.name().equals(lowerName)) {
                throw new InvalidSqliteHybridPropertyException(
                        EXTRA_PROPERTY + name,
                        value,
                        "PRAGMA " + lowerName + " has its own property: use sqlite.hybrid.pragmas."
                                + lowerName.replace('_', '-'),
                        List.of());
            }
        }
        String trimmed = value.trim();
        if (!VALUE.matcher(trimmed).matches()) {
            throw new InvalidSqliteHybridPropertyException(
                    EXTRA_PROPERTY + name,
                    value,
                    "PRAGMA value must be an integer or a keyword",
                    List.of("-?[0-9]+", "[A-Za-z_][A-Za-z0-9_]*"));
        }
        // A keyword may read back as a number (auto_vacuum = incremental reads 2): only integers are predictable.
        return new Pragma(lowerName, trimmed, trimmed.matches("-?[0-9]+") ? Long.parseLong(trimmed) : null);
    }

    /**
     * No PRAGMAs at all.
     * @return an empty set of PRAGMAs
     */
    public static SqlitePragmas none() {
        return new SqlitePragmas(List.of());
    }

    /**
     * These PRAGMAs and one more, applied last.
     * @param name the PRAGMA's SQLite name; must be an identifier
     * @param value its value
     * @return a new instance
     */
    public SqlitePragmas and(String name, long value) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("PRAGMA name '" + name + "' is not an identifier");
        }
        List<Pragma> more = new ArrayList<>(this.pragmas);
        more.add(new Pragma(name.toLowerCase(Locale.ROOT), value));
        return new SqlitePragmas(more);
    }

    /**
     * The PRAGMAs in the order they are applied.
     * @return an unmodifiable list
     */
    public List<Pragma> getPragmas() {
        return this.pragmas;
    }

    /**
     * The PRAGMA of the given name, if configured.
     * @param name the SQLite name, such as {@code journal_mode}
     * @return the PRAGMA, or {@code null}
     */
    public @Nullable Pragma get(String name) {
        return this.pragmas.stream()
                .filter((p) -> p.name().equals(name))
                .findFirst()
                .orElse(null);
    }

    /**
     * Run every PRAGMA on the given connection.
     * @param connection a SQLite connection, in auto-commit mode
     * @throws SQLException if SQLite refuses one
     */
    public void applyTo(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (Pragma pragma : this.pragmas) {
                statement.execute(pragma.sql());
            }
        }
    }

    /**
     * One PRAGMA: its name, the value written in SQL and the value SQLite reports when it is read back.
     *
     * @param name SQLite's name of the PRAGMA, lower case
     * @param value the value as written in the {@code PRAGMA} statement
     * @param expected the value {@code PRAGMA name} returns once applied, {@code null} when it cannot be
     *     known in advance
     */
    public record Pragma(
            String name, Object value, @Nullable Object expected) {

        Pragma(String name, Object value) {
            this(name, value, value);
        }

        /**
         * The statement that sets this PRAGMA.
         * @return the SQL
         */
        public String sql() {
            return "PRAGMA " + this.name + " = " + this.value;
        }
    }
}
