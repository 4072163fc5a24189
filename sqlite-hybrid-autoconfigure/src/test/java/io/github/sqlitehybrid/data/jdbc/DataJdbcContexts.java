package io.github.sqlitehybrid.data.jdbc;

import io.github.sqlitehybrid.data.jdbc.shop.ShopConfiguration;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.translation.SqliteTranslationAutoConfiguration;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import java.nio.file.Path;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;

/**
 * The application context of a Spring Data JDBC application on a SQLite file: Boot's auto-configurations and all of
 * the starter's, and no setting but the URL.
 */
final class DataJdbcContexts {

    private DataJdbcContexts() {}

    static ApplicationContextRunner onFile(Path file) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class,
                        TransactionAutoConfiguration.class,
                        JdbcTemplateAutoConfiguration.class,
                        DataJdbcRepositoriesAutoConfiguration.class,
                        SqlitePragmaAutoConfiguration.class,
                        SqliteTranslationAutoConfiguration.class,
                        DbRetryAutoConfiguration.class,
                        SingleWriterAutoConfiguration.class))
                .withUserConfiguration(ShopConfiguration.class)
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + file);
    }
}
