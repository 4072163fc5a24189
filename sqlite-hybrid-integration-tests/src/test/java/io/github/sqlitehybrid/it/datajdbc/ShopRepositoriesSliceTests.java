package io.github.sqlitehybrid.it.datajdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.writer.SqliteSingleWriterDataSource;
import java.nio.file.Path;
import java.time.LocalDate;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jdbc.test.autoconfigure.DataJdbcTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A user's {@code @DataJdbcTest} on a SQLite file: the starter's dialect and single writer are in the slice. */
// Flyway and Liquibase are on this module's classpath for their own scenarios; the slice would run them.
@DataJdbcTest(
        properties = {
            "spring.sql.init.mode=always",
            "spring.sql.init.schema-locations=classpath:datajdbc/schema.sql",
            "spring.flyway.enabled=false",
            "spring.liquibase.enabled=false"
        })
class ShopRepositoriesSliceTests {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:sqlite:" + dir.resolve("slice.db"));
    }

    @Autowired
    CustomerRepository customers;

    @Autowired
    DataSource dataSource;

    @Test
    void repositoriesRunOnTheSingleWriter() {
        assertThat(this.dataSource).isInstanceOf(SqliteSingleWriterDataSource.class);
        Customer saved = this.customers.save(new Customer("Ada", LocalDate.of(2010, 3, 4)));
        assertThat(this.customers.findById(saved.getId()))
                .get()
                .extracting(Customer::getSince)
                .isEqualTo(LocalDate.of(2010, 3, 4));
    }
}
