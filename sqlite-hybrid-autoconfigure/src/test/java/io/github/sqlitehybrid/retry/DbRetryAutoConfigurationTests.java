package io.github.sqlitehybrid.retry;

import static io.github.sqlitehybrid.StartupFailureReports.reportOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

@ExtendWith(OutputCaptureExtension.class)
class DbRetryAutoConfigurationTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class,
                    TransactionAutoConfiguration.class,
                    JdbcTemplateAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    DbRetryAutoConfiguration.class))
            .withUserConfiguration(ServicesConfiguration.class)
            .withPropertyValues("sqlite.hybrid.retry.initial-delay=1ms", "sqlite.hybrid.retry.max-delay=5ms");

    private ApplicationContextRunner withDatabase() {
        String url = "jdbc:sqlite:" + this.dir.resolve("retry.db");
        return this.contextRunner
                .withPropertyValues("spring.datasource.url=" + url)
                .withInitializer((context) -> createSchema(url));
    }

    @Test
    void retriesWholeTransactionOnBusySnapshot() {
        withDatabase().run((context) -> {
            JobService service = context.getBean(JobService.class);
            Calls calls = context.getBean(Calls.class);
            calls.interferingUrl = "jdbc:sqlite:" + this.dir.resolve("retry.db");
            assertThat(service.claimAfterInterference()).isEqualTo(1);
            // Attempt one was rolled back on SQLITE_BUSY_SNAPSHOT, attempt two committed: two transactions.
            assertThat(calls.completions)
                    .containsExactly(
                            TransactionSynchronization.STATUS_ROLLED_BACK, TransactionSynchronization.STATUS_COMMITTED);
            DbRetryStats stats =
                    context.getBean(LockStatistics.class).operations().get("JobService.claimAfterInterference");
            assertThat(stats.lockErrorCodes()).containsEntry("SQLITE_BUSY_SNAPSHOT", 1L);
            assertThat(stats.recoveries()).isEqualTo(1);
            assertThat(context.getBean(JdbcTemplate.class)
                            .queryForObject("SELECT status FROM jobs WHERE id = 1", String.class))
                    .isEqualTo("claimed");
        });
    }

    @Test
    void constraintViolationReachesCallerAfterExactlyOneInvocation() {
        withDatabase().run((context) -> {
            JobService service = context.getBean(JobService.class);
            service.insertJob(100);
            Throwable thrown = catchThrowable(() -> service.insertJob(100));
            assertThat(thrown)
                    .isInstanceOf(DataAccessException.class)
                    .isSameAs(context.getBean(Calls.class).lastFailure.get());
            assertThat(context.getBean(Calls.class).inserts).hasValue(2);
            assertThat(context.getBean(LockStatistics.class).totals().outcomes())
                    .containsEntry("success_without_retry", 1L)
                    .containsEntry("failed_without_retry", 1L);
        });
    }

    @Test
    void doesNotRetryWhenCalledInsideAnOuterTransaction(CapturedOutput output) {
        withDatabase().run((context) -> {
            OuterService outer = context.getBean(OuterService.class);
            assertThatThrownBy(outer::callInner).isInstanceOf(UncategorizedSQLException.class);
            assertThatThrownBy(outer::callInner).isInstanceOf(UncategorizedSQLException.class);
            assertThat(context.getBean(Calls.class).alwaysLocked).hasValue(2);
            assertThat(output.getOut() + output.getErr())
                    .containsOnlyOnce("JobService.alwaysLocked met a lock error (SQLITE_BUSY) inside a transaction");
        });
    }

    @Test
    void exhaustingAttemptsRethrowsTheLockErrorAndCountsAFailure() {
        withDatabase()
                .withConfiguration(AutoConfigurations.of(
                        MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class,
                        DbRetryMetricsAutoConfiguration.class))
                .withPropertyValues("sqlite.hybrid.retry.max-attempts=4")
                .run((context) -> {
                    JobService service = context.getBean(JobService.class);
                    Throwable thrown = catchThrowable(service::alwaysLocked);
                    assertThat(thrown)
                            .isSameAs(context.getBean(Calls.class).lastFailure.get());
                    assertThat(context.getBean(Calls.class).alwaysLocked).hasValue(4);
                    DbRetryStats totals = context.getBean(LockStatistics.class).totals();
                    assertThat(totals.failures()).isEqualTo(1);
                    assertThat(totals.retries()).isEqualTo(3);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get(DbRetryMetrics.CALLS)
                                    .tag("method", "JobService.alwaysLocked")
                                    .tag("outcome", "failed_with_retry")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(1.0);
                    assertThat(registry.get(DbRetryMetrics.LOCK_ERRORS)
                                    .tag("code", "SQLITE_BUSY")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(4.0);
                    assertThat(registry.get(DbRetryMetrics.BACKOFF).timer().count())
                            .isEqualTo(3);
                });
    }

    @Test
    void metersCanBeSwitchedOffWithBootsProperty() {
        withDatabase()
                .withConfiguration(AutoConfigurations.of(
                        MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class,
                        DbRetryMetricsAutoConfiguration.class))
                .withPropertyValues("management.metrics.enable.sqlite.hybrid=false")
                .run((context) -> {
                    assertThatException().isThrownBy(context.getBean(JobService.class)::alwaysLocked);
                    assertThat(context.getBean(MeterRegistry.class)
                                    .find(DbRetryMetrics.CALLS)
                                    .meters())
                            .isEmpty();
                    assertThat(context.getBean(LockStatistics.class).totals().calls())
                            .isEqualTo(1);
                });
    }

    @Test
    void annotationAttributesOverrideTheDefaults() {
        withDatabase().run((context) -> {
            JobService service = context.getBean(JobService.class);
            assertThatException().isThrownBy(service::lockedWithSixAttempts);
            assertThat(context.getBean(Calls.class).lockedWithSixAttempts).hasValue(6);
        });
    }

    /** Spring Data repositories are JDK proxies: their class, {@code $Proxy164}, is renamed at every start. */
    @Test
    void aRepositoryInterfaceMethodOfAJdkProxyIsNamedByItsInterfaceAndKeepsItsAttributes() {
        withDatabase().run((context) -> {
            CounterRepository repository = context.getBean(CounterRepository.class);
            assertThat(java.lang.reflect.Proxy.isProxyClass(repository.getClass()))
                    .isTrue();
            assertThat(repository.increment("visits")).isEqualTo(3);
            assertThatException().isThrownBy(() -> repository.alwaysLocked("visits"));
            Map<String, DbRetryStats> operations =
                    context.getBean(LockStatistics.class).operations();
            assertThat(operations).containsKeys("CounterRepository.increment", "CounterRepository.alwaysLocked");
            assertThat(operations.keySet()).noneMatch((name) -> name.startsWith("$Proxy"));
            assertThat(operations.get("CounterRepository.increment").recoveries())
                    .isEqualTo(1);
            assertThat(context.getBean(Calls.class).repositoryCalls).hasValue(3 + 4);
        });
    }

    @Test
    void typeLevelAnnotationRetriesEveryPublicMethod() {
        withDatabase().run((context) -> {
            AnnotatedTypeService service = context.getBean(AnnotatedTypeService.class);
            assertThat(service.succeedsOnThirdAttempt()).isEqualTo(3);
        });
    }

    @Test
    void adviceOrderComesFromProperties() {
        withDatabase()
                .withPropertyValues("sqlite.hybrid.retry.order=42")
                .run((context) -> assertThat(
                                context.getBean(DbRetryAdvisor.class).getOrder())
                        .isEqualTo(42));
    }

    @Test
    void backsOffWhenStarterIsDisabled() {
        withDatabase().withPropertyValues("sqlite.hybrid.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(DbRetryTemplate.class).doesNotHaveBean(DbRetryAdvisor.class);
            JobService service = context.getBean(JobService.class);
            assertThatException().isThrownBy(service::alwaysLocked);
            assertThat(context.getBean(Calls.class).alwaysLocked).hasValue(1);
        });
    }

    @Test
    void backsOffWithoutSqliteJdbc() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DbRetryAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader(SQLiteException.class))
                .run((context) -> assertThat(context)
                        .doesNotHaveBean(DbRetryTemplate.class)
                        .doesNotHaveBean(LockErrorClassifier.class));
    }

    @Test
    void usesAUsersOwnClassifier() {
        withDatabase()
                .withBean("ownClassifier", LockErrorClassifier.class, () -> (failure) -> null)
                .run((context) -> {
                    assertThat(context).hasSingleBean(LockErrorClassifier.class);
                    JobService service = context.getBean(JobService.class);
                    assertThatException().isThrownBy(service::alwaysLocked);
                    assertThat(context.getBean(Calls.class).alwaysLocked).hasValue(1);
                });
    }

    @Test
    void maxAttemptsBelowOneFailsNamingTheProperty() {
        assertStartupFails("sqlite.hybrid.retry.max-attempts=0", "sqlite.hybrid.retry.max-attempts", "0");
    }

    @Test
    void multiplierBelowOneFailsNamingTheProperty() {
        assertStartupFails("sqlite.hybrid.retry.multiplier=0.5", "sqlite.hybrid.retry.multiplier", "0.5");
    }

    @Test
    void negativeDelayFailsNamingTheProperty() {
        assertStartupFails("sqlite.hybrid.retry.initial-delay=-1s", "sqlite.hybrid.retry.initial-delay", "-1s");
    }

    @Test
    void maxDelayShorterThanInitialDelayFailsNamingTheProperty() {
        assertStartupFails("sqlite.hybrid.retry.initial-delay=2s", "sqlite.hybrid.retry.max-delay", "PT0.005S");
    }

    private void assertStartupFails(String property, String name, String value) {
        withDatabase().withPropertyValues(property).run((context) -> {
            assertThat(reportOf(context)).contains("'" + name + "'", "'" + value + "'");
        });
    }

    private static void createSchema(String url) {
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS jobs (id INTEGER PRIMARY KEY, status TEXT NOT NULL)");
            statement.execute("INSERT OR IGNORE INTO jobs (id, status) VALUES (1, 'queued')");
        } catch (java.sql.SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static UncategorizedSQLException lockError(SQLiteErrorCode code) {
        return new UncategorizedSQLException("test", "UPDATE jobs", new SQLiteException("[" + code + "]", code));
    }

    @Configuration(proxyBeanMethods = false)
    static class ServicesConfiguration {

        @Bean
        Calls calls() {
            return new Calls();
        }

        @Bean
        JobService jobService(JdbcTemplate jdbc, Calls calls) {
            return new JobService(jdbc, calls);
        }

        @Bean
        OuterService outerService(JobService jobService) {
            return new OuterService(jobService);
        }

        @Bean
        AnnotatedTypeService annotatedTypeService() {
            return new AnnotatedTypeService();
        }

        /** A JDK proxy over an interface, as Spring Data makes a repository. */
        @Bean
        CounterRepository counterRepository(Calls calls) {
            AtomicInteger increments = new AtomicInteger();
            return (CounterRepository) java.lang.reflect.Proxy.newProxyInstance(
                    CounterRepository.class.getClassLoader(),
                    new Class<?>[] {CounterRepository.class},
                    (proxy, method, args) -> {
                        if (method.getDeclaringClass() == Object.class) {
                            return method.getName().equals("toString") ? "repository" : method.invoke(this, args);
                        }
                        calls.repositoryCalls.incrementAndGet();
                        if (method.getName().equals("alwaysLocked") || increments.incrementAndGet() < 3) {
                            throw lockError(SQLiteErrorCode.SQLITE_BUSY);
                        }
                        return increments.get();
                    });
        }
    }

    /** A repository interface as a Spring Data user writes one. */
    interface CounterRepository {

        @DbRetry
        int increment(String name);

        @DbRetry(maxAttempts = 4)
        int alwaysLocked(String name);
    }

    /** What the services saw; a bean of its own because proxies of the services do not share their fields. */
    static class Calls {

        final List<Integer> completions = new ArrayList<>();

        final AtomicInteger inserts = new AtomicInteger();

        final AtomicInteger alwaysLocked = new AtomicInteger();

        final AtomicInteger lockedWithSixAttempts = new AtomicInteger();

        final AtomicInteger repositoryCalls = new AtomicInteger();

        final AtomicReference<RuntimeException> lastFailure = new AtomicReference<>();

        volatile String interferingUrl;

        boolean interfered;
    }

    static class JobService {

        private final JdbcTemplate jdbc;

        private final Calls calls;

        JobService(JdbcTemplate jdbc, Calls calls) {
            this.jdbc = jdbc;
            this.calls = calls;
        }

        /** Reads, lets another connection commit a write, then writes: SQLite answers SQLITE_BUSY_SNAPSHOT. */
        @DbRetry
        @Transactional
        public int claimAfterInterference() throws Exception {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    JobService.this.calls.completions.add(status);
                }
            });
            Integer id = this.jdbc.queryForObject("SELECT id FROM jobs WHERE status = 'queued' LIMIT 1", Integer.class);
            if (!this.calls.interfered) {
                this.calls.interfered = true;
                try (Connection other = DriverManager.getConnection(this.calls.interferingUrl);
                        Statement statement = other.createStatement()) {
                    statement.execute("INSERT INTO jobs (status) VALUES ('queued')");
                }
            }
            this.jdbc.update("UPDATE jobs SET status = 'claimed' WHERE id = ?", id);
            return id;
        }

        @DbRetry
        @Transactional
        public void insertJob(int id) {
            this.calls.inserts.incrementAndGet();
            try {
                this.jdbc.update("INSERT INTO jobs (id, status) VALUES (?, 'queued')", id);
            } catch (RuntimeException ex) {
                this.calls.lastFailure.set(ex);
                throw ex;
            }
        }

        @DbRetry
        @Transactional
        public void alwaysLocked() {
            this.calls.alwaysLocked.incrementAndGet();
            RuntimeException failure = lockError(SQLiteErrorCode.SQLITE_BUSY);
            this.calls.lastFailure.set(failure);
            throw failure;
        }

        @DbRetry(maxAttempts = 6)
        public void lockedWithSixAttempts() {
            this.calls.lockedWithSixAttempts.incrementAndGet();
            throw lockError(SQLiteErrorCode.SQLITE_LOCKED);
        }
    }

    static class OuterService {

        private final JobService inner;

        OuterService(JobService inner) {
            this.inner = inner;
        }

        @Transactional
        public void callInner() {
            this.inner.alwaysLocked();
        }
    }

    @DbRetry
    static class AnnotatedTypeService {

        private final AtomicInteger attempts = new AtomicInteger();

        public int succeedsOnThirdAttempt() {
            if (this.attempts.incrementAndGet() < 3) {
                throw lockError(SQLiteErrorCode.SQLITE_BUSY_RECOVERY);
            }
            return this.attempts.get();
        }
    }
}
