package io.github.sqlitehybrid.actuate;

import io.github.sqlitehybrid.maintenance.MaintenanceStats;
import io.github.sqlitehybrid.maintenance.SqliteMaintenance;
import io.github.sqlitehybrid.maintenance.WalCheckpoint;
import java.sql.SQLException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code dbmaintenance} endpoint: {@code GET /actuator/dbmaintenance} shows the WAL's size and limit, the last
 * checkpoint and the long reads open now; {@code POST /actuator/dbmaintenance} truncates the WAL now and answers with
 * the checkpoint's result, the WAL's size before and after included.
 *
 * @since 0.1.0
 */
@Endpoint(id = "dbmaintenance")
public final class DbMaintenanceEndpoint {

    private final SqliteMaintenance maintenance;

    /**
     * Create the endpoint.
     * @param maintenance the application's maintenance
     */
    public DbMaintenanceEndpoint(SqliteMaintenance maintenance) {
        this.maintenance = maintenance;
    }

    /**
     * The figures of the maintenance.
     * @return a snapshot
     */
    @ReadOperation
    public MaintenanceStats maintenance() {
        return this.maintenance.stats();
    }

    /**
     * Truncate the WAL now.
     * @return the truncating checkpoint's result
     * @throws SQLException when it could not run
     */
    @WriteOperation
    public WalCheckpoint truncate() throws SQLException {
        return this.maintenance.truncateNow();
    }
}
