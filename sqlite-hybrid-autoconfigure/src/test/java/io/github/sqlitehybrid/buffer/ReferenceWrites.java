package io.github.sqlitehybrid.buffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The write buffer's calls applied directly, one statement each in call order: what the buffer's flushed result
 * must equal.
 */
final class ReferenceWrites {

    private final JdbcTemplate jdbc;

    ReferenceWrites(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void upsert(String table, Map<String, ?> row, String... keyColumns) {
        Set<String> keys = Set.of(keyColumns);
        List<String> columns = new ArrayList<>(row.keySet());
        String set = columns.stream()
                .filter((column) -> !keys.contains(column))
                .map((column) -> column + " = excluded." + column)
                .collect(Collectors.joining(", "));
        String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + columns.stream().map((column) -> "?").collect(Collectors.joining(", ")) + ") ON CONFLICT ("
                + String.join(", ", keyColumns) + ") " + (set.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + set);
        this.jdbc.update(sql, columns.stream().map(row::get).toArray());
    }

    void update(String table, Map<String, ?> row, String... keyColumns) {
        Set<String> keys = Set.of(keyColumns);
        List<String> columns =
                row.keySet().stream().filter((column) -> !keys.contains(column)).toList();
        if (columns.isEmpty()) {
            return;
        }
        List<Object> parameters = new ArrayList<>();
        columns.forEach((column) -> parameters.add(row.get(column)));
        Arrays.stream(keyColumns).forEach((column) -> parameters.add(row.get(column)));
        this.jdbc.update(
                "UPDATE " + table + " SET "
                        + columns.stream().map((column) -> column + " = ?").collect(Collectors.joining(", "))
                        + " WHERE " + where(keyColumns),
                parameters.toArray());
    }

    void delete(String table, Map<String, ?> key, String... keyColumns) {
        this.jdbc.update(
                "DELETE FROM " + table + " WHERE " + where(keyColumns),
                Arrays.stream(keyColumns).map(key::get).toArray());
    }

    /** Insert; a refused row is skipped, as the buffer sets it aside. */
    void insert(String table, Map<String, ?> row) {
        List<String> columns = new ArrayList<>(row.keySet());
        try {
            this.jdbc.update(
                    "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                            + columns.stream().map((column) -> "?").collect(Collectors.joining(", ")) + ")",
                    columns.stream().map(row::get).toArray());
        } catch (DataAccessException ex) {
            // Refused, like a dead letter.
        }
    }

    private static String where(String... keyColumns) {
        return Arrays.stream(keyColumns).map((column) -> column + " = ?").collect(Collectors.joining(" AND "));
    }
}
