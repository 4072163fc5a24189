package io.github.sqlitehybrid.quartz;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.testsupport.LocalPostgres;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;
import org.quartz.impl.jdbcjobstore.SimpleSemaphore;
import org.quartz.impl.jdbcjobstore.UpdateLockRowSemaphore;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration;
import org.springframework.boot.quartz.autoconfigure.SchedulerFactoryBeanCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;
import org.springframework.test.util.ReflectionTestUtils;
import org.sqlite.SQLiteDataSource;

/**
 * When the starter gives Quartz's JDBC job store its SQLite delegate and lock handler, and when it stands aside.
 * Schedulers are created on real files (with Boot's schema initialization) but not started.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqliteQuartzAutoConfigurationTests {

    private static final String DELEGATE = "org.quartz.jobStore.driverDelegateClass";

    private static final String LOCK_HANDLER = "org.quartz.jobStore.lockHandler.class";

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    QuartzAutoConfiguration.class,
                    SqliteQuartzAutoConfiguration.class))
            .withPropertyValues("spring.quartz.auto-startup=false");

    private ApplicationContextRunner jdbcStoreOnSqlite() {
        return this.contextRunner.withPropertyValues(
                "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("quartz.db"),
                "spring.quartz.job-store-type=jdbc",
                "spring.quartz.jdbc.initialize-schema=always");
    }

    @Test
    void customizerSetsTheSqliteDelegateAndLockHandlerForAJdbcStoreOnSqlite() {
        jdbcStoreOnSqlite().run((context) -> {
            assertThat(context).hasBean(SqliteQuartzAutoConfiguration.CUSTOMIZER_BEAN_NAME);
            assertThat(quartzPropertiesOf(context))
                    .containsEntry(DELEGATE, SqliteQuartzDelegate.class.getName())
                    .containsEntry(LOCK_HANDLER, UpdateLockRowSemaphore.class.getName());
            assertThat(context.getBean(SqliteQuartzProperties.class).isEnabled())
                    .isTrue();
            assertStoresAndReadsBackAJob(context);
        });
    }

    @Test
    void customizerIsAbsentWithTheMemoryStore() {
        this.contextRunner
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("quartz.db"),
                        "spring.quartz.job-store-type=memory")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(SqliteQuartzAutoConfiguration.CUSTOMIZER_BEAN_NAME);
                    assertThat(quartzPropertiesOf(context)).isNull();
                });
    }

    @Test
    void customizerIsAbsentForAPostgresUrl() {
        // No server needed: the scheduler is not started, and without a schema to run nothing connects.
        this.contextRunner
                .withPropertyValues(
                        "spring.datasource.url=jdbc:postgresql://127.0.0.1:9/quartz",
                        "spring.datasource.hikari.connection-timeout=250",
                        "spring.quartz.job-store-type=jdbc",
                        "spring.quartz.jdbc.initialize-schema=never")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(Scheduler.class);
                    assertThat(context).doesNotHaveBean(SqliteQuartzAutoConfiguration.CUSTOMIZER_BEAN_NAME);
                });
    }

    @Test
    void customizerLeavesAPostgresDataSourceDeclaredInCodeAlone() {
        LocalPostgres server = LocalPostgres.assumeAvailable();
        String url = server.createDatabase("quartz");
        this.contextRunner
                .withBean(DataSource.class, () -> {
                    PGSimpleDataSource dataSource = new PGSimpleDataSource();
                    dataSource.setUrl(url);
                    dataSource.setUser(LocalPostgres.USER);
                    return dataSource;
                })
                .withPropertyValues("spring.quartz.job-store-type=jdbc", "spring.quartz.jdbc.initialize-schema=always")
                .run((context) -> {
                    // Without spring.datasource.url the condition matches; the customizer asks the database.
                    assertThat(context).hasBean(SqliteQuartzAutoConfiguration.CUSTOMIZER_BEAN_NAME);
                    assertThat(quartzPropertiesOf(context)).isNull();
                });
    }

    @Test
    void customizerRecognisesASqliteDataSourceDeclaredInCode() {
        String url = "jdbc:sqlite:" + this.dir.resolve("declared.db");
        this.contextRunner
                .withBean(DataSource.class, () -> {
                    SQLiteDataSource dataSource = new SQLiteDataSource();
                    dataSource.setUrl(url);
                    return dataSource;
                })
                .withPropertyValues("spring.quartz.job-store-type=jdbc", "spring.quartz.jdbc.initialize-schema=always")
                .run((context) -> {
                    assertThat(quartzPropertiesOf(context))
                            .containsEntry(DELEGATE, SqliteQuartzDelegate.class.getName())
                            .containsEntry(LOCK_HANDLER, UpdateLockRowSemaphore.class.getName());
                    assertStoresAndReadsBackAJob(context);
                });
    }

    @Test
    void customizerBacksOffWhenDisabledByProperty() {
        jdbcStoreOnSqlite()
                .withPropertyValues("sqlite.hybrid.quartz.enabled=false")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(SqliteQuartzAutoConfiguration.CUSTOMIZER_BEAN_NAME);
                    assertThat(quartzPropertiesOf(context)).isNull();
                });
    }

    @Test
    void customizerBacksOffWhenTheStarterIsDisabled() {
        jdbcStoreOnSqlite().withPropertyValues("sqlite.hybrid.enabled=false").run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(SqliteQuartzAutoConfiguration.CUSTOMIZER_BEAN_NAME);
        });
    }

    @Test
    void customizerBacksOffWhenTheApplicationDeclaresABeanOfItsName() {
        jdbcStoreOnSqlite()
                .withUserConfiguration(UserCustomizerConfiguration.class)
                .run((context) -> {
                    assertThat(context.getBean(SqliteQuartzAutoConfiguration.CUSTOMIZER_BEAN_NAME))
                            .isSameAs(UserCustomizerConfiguration.CUSTOMIZER);
                    assertThat(quartzPropertiesOf(context)).isNull();
                });
    }

    @Test
    void applicationsOwnDelegateAndLockHandlerWin() {
        jdbcStoreOnSqlite()
                .withPropertyValues(
                        "spring.quartz.properties." + DELEGATE + "=" + PostgreSQLDelegate.class.getName(),
                        "spring.quartz.properties." + LOCK_HANDLER + "=" + SimpleSemaphore.class.getName(),
                        "spring.quartz.properties.org.quartz.threadPool.threadCount=3")
                .run((context) -> {
                    assertThat(quartzPropertiesOf(context))
                            .containsEntry(DELEGATE, PostgreSQLDelegate.class.getName())
                            .containsEntry(LOCK_HANDLER, SimpleSemaphore.class.getName())
                            .containsEntry("org.quartz.threadPool.threadCount", "3");
                    assertThat(context.getBean(Scheduler.class).getMetaData().getThreadPoolSize())
                            .isEqualTo(3);
                });
    }

    @Test
    void applicationsOwnDelegateWinsWhileTheLockHandlerIsStillSet() {
        jdbcStoreOnSqlite()
                .withPropertyValues("spring.quartz.properties." + DELEGATE + "=" + PostgreSQLDelegate.class.getName())
                .run((context) -> {
                    assertThat(quartzPropertiesOf(context))
                            .containsEntry(DELEGATE, PostgreSQLDelegate.class.getName())
                            .containsEntry(LOCK_HANDLER, UpdateLockRowSemaphore.class.getName());
                    assertStoresAndReadsBackAJob(context);
                });
    }

    @Test
    void customizerIsAbsentWithoutQuartz() {
        jdbcStoreOnSqlite()
                .withClassLoader(new FilteredClassLoader(Scheduler.class))
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(SqliteQuartzAutoConfiguration.CUSTOMIZER_BEAN_NAME);
                    assertThat(context).doesNotHaveBean(SchedulerFactoryBean.class);
                });
    }

    /**
     * The properties Boot's factory bean hands Quartz. {@link SchedulerFactoryBean} has no getter for them, so the
     * test reads its field.
     */
    private static @Nullable Properties quartzPropertiesOf(AssertableApplicationContext context) {
        SchedulerFactoryBean factoryBean = context.getBean("&quartzScheduler", SchedulerFactoryBean.class);
        return (Properties) ReflectionTestUtils.getField(factoryBean, "quartzProperties");
    }

    // A lock taken (the standard lock handler's SELECT ... FOR UPDATE does not parse) and job data read back.
    private static void assertStoresAndReadsBackAJob(AssertableApplicationContext context) throws Exception {
        Scheduler scheduler = context.getBean(Scheduler.class);
        JobKey key = JobKey.jobKey("stored");
        scheduler.addJob(
                JobBuilder.newJob(NoOpJob.class)
                        .withIdentity(key)
                        .usingJobData("greeting", "grüezi")
                        .storeDurably()
                        .build(),
                true);
        assertThat(scheduler.getJobDetail(key).getJobDataMap().getString("greeting"))
                .isEqualTo("grüezi");
    }

    /** A job that is stored, never run. */
    public static class NoOpJob implements Job {

        @Override
        public void execute(JobExecutionContext context) {}
    }

    @Configuration(proxyBeanMethods = false)
    static class UserCustomizerConfiguration {

        static final SchedulerFactoryBeanCustomizer CUSTOMIZER = (schedulerFactoryBean) -> {};

        @Bean(SqliteQuartzAutoConfiguration.CUSTOMIZER_BEAN_NAME)
        SchedulerFactoryBeanCustomizer userCustomizer() {
            return CUSTOMIZER;
        }
    }
}
