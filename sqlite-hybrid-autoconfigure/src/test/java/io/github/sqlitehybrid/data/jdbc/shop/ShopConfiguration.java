package io.github.sqlitehybrid.data.jdbc.shop;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The application's configuration, as Boot would see it: this package holds its aggregates and repositories.
 */
@Configuration(proxyBeanMethods = false)
@AutoConfigurationPackage
public class ShopConfiguration {

    /**
     * Create the tables, with the column types people declare: SQLite keeps the dialect's text as text in them.
     * @param jdbc the application's template
     */
    public static void createSchema(JdbcTemplate jdbc) {
        jdbc.execute("""
                CREATE TABLE "order" (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    version INTEGER NOT NULL,
                    customer TEXT NOT NULL,
                    status TEXT NOT NULL,
                    order_date DATE NOT NULL,
                    placed_at TIMESTAMP NOT NULL,
                    updated_at TIMESTAMP NOT NULL,
                    deliver_after TIME,
                    paid BOOLEAN NOT NULL)""");
        jdbc.execute("""
                CREATE TABLE order_line (
                    order_id INTEGER NOT NULL REFERENCES "order" (id),
                    line_no INTEGER NOT NULL,
                    product TEXT NOT NULL,
                    quantity INTEGER NOT NULL,
                    price_cents INTEGER NOT NULL,
                    PRIMARY KEY (order_id, line_no))""");
        jdbc.execute("CREATE TABLE ticket (id INTEGER PRIMARY KEY AUTOINCREMENT)");
    }
}
