package io.github.sqlitehybrid.it.batch;

import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** Splits the input's ids into contiguous ranges of equal length, one a partition, as {@code minId}/{@code maxId}. */
class IdRangePartitioner implements Partitioner {

    private final JdbcTemplate jdbc;

    IdRangePartitioner(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        long[] range = this.jdbc.queryForObject(
                "SELECT MIN(id), MAX(id) FROM item_in", (rs, row) -> new long[] {rs.getLong(1), rs.getLong(2)});
        long min = range[0];
        long max = range[1];
        long length = (max - min + gridSize) / gridSize;
        Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
        for (int i = 0; i < gridSize && min + i * length <= max; i++) {
            ExecutionContext context = new ExecutionContext();
            context.putLong("minId", min + i * length);
            context.putLong("maxId", Math.min(max, min + (i + 1) * length - 1));
            partitions.put("partition" + i, context);
        }
        return partitions;
    }
}
