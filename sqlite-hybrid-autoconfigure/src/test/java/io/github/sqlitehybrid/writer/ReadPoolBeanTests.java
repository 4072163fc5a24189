package io.github.sqlitehybrid.writer;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.translation.SqliteTranslationAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The read pool is a bean of its own, so Boot's pool meters and database health see both pools, by name. */
class ReadPoolBeanTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class,
                    TransactionAutoConfiguration.class,
                    JdbcTemplateAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    SqliteTranslationAutoConfiguration.class,
                    SingleWriterAutoConfiguration.class,
                    MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    DataSourcePoolMetricsAutoConfiguration.class,
                    HealthContributorAutoConfiguration.class,
                    DataSourceHealthContributorAutoConfiguration.class));

    private ApplicationContextRunner withDatabase() {
        return this.contextRunner.withPropertyValues(
                "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("pools.db"));
    }

    @Test
    void theReadPoolIsABeanThatInjectionByTypeLeavesAlone() {
        withDatabase().run((context) -> {
            DataSource dataSource = context.getBean(DataSource.class);
            assertThat(dataSource).isInstanceOf(SqliteSingleWriterDataSource.class);
            assertThat(context.getBean(SingleWriterAutoConfiguration.READ_POOL_BEAN_NAME))
                    .isSameAs(((SqliteSingleWriterDataSource) dataSource).getReadPool());
            assertThat(context.getBean(JdbcTemplate.class).getDataSource()).isSameAs(dataSource);
        });
    }

    @Test
    void bootsPoolMetersTellTheWritePoolFromTheReadPool() {
        withDatabase().run((context) -> {
            useBothPools(context);
            SqliteSingleWriterDataSource dataSource = context.getBean(SqliteSingleWriterDataSource.class);
            String writeName = ((HikariDataSource) dataSource.getWritePool()).getPoolName();
            String readName = ((HikariDataSource) dataSource.getReadPool()).getPoolName();
            assertThat(readName).isEqualTo("dataSource-read").isNotEqualTo(writeName);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.find("hikaricp.connections")
                            .tag("pool", writeName)
                            .gauge())
                    .isNotNull();
            assertThat(registry.find("hikaricp.connections")
                            .tag("pool", readName)
                            .gauge())
                    .isNotNull();
            assertThat(registry.find("jdbc.connections.max")
                            .tag("name", "dataSource")
                            .gauge())
                    .isNotNull();
            assertThat(registry.find("jdbc.connections.max")
                            .tag("name", SingleWriterAutoConfiguration.READ_POOL_BEAN_NAME)
                            .gauge())
                    .isNotNull();
        });
    }

    @Test
    void bootsDatabaseHealthChecksBothPools() {
        withDatabase().run((context) -> {
            CompositeHealthContributor db = context.getBean("dbHealthContributor", CompositeHealthContributor.class);
            assertThat(((HealthIndicator) db.getContributor("dataSource"))
                            .health()
                            .getStatus())
                    .isEqualTo(Status.UP);
            assertThat(((HealthIndicator) db.getContributor(SingleWriterAutoConfiguration.READ_POOL_BEAN_NAME))
                            .health()
                            .getStatus())
                    .isEqualTo(Status.UP);
        });
    }

    @Test
    void anInMemoryDatabaseHasNoReadPoolAndOneHealthIndicator() {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite::memory:")
                .run((context) -> {
                    assertThat(context.getBeansOfType(HikariDataSource.class)).containsOnlyKeys("dataSource");
                    assertThat(context.getBean("dbHealthContributor")).isInstanceOf(HealthIndicator.class);
                });
    }

    private static void useBothPools(org.springframework.context.ApplicationContext context) {
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        jdbc.execute("CREATE TABLE t (x INTEGER)");
        TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
        readOnly.setReadOnly(true);
        readOnly.executeWithoutResult((status) -> jdbc.queryForObject("SELECT count(*) FROM t", Integer.class));
    }
}
