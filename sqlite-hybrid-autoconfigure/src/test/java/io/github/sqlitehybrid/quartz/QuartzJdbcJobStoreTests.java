package io.github.sqlitehybrid.quartz;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.translation.SqliteTranslationAutoConfiguration;
import io.github.sqlitehybrid.writer.GroupCommitAutoConfiguration;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import io.github.sqlitehybrid.writer.SqliteSingleWriterDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.jdbcjobstore.UpdateLockRowSemaphore;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Quartz's JDBC job store on a SQLite file under load, with the whole starter and nothing set but what Boot's
 * documentation names for a JDBC store: eight worker threads run one job fired by eight repeating triggers, and
 * every run reads its job data back from the file and writes a row through a {@link JdbcTemplate}. Then a second
 * start on the same file, and the same load on plain Boot for comparison.
 */
class QuartzJdbcJobStoreTests {

    private static final int TRIGGERS = 8;

    private static final Duration INTERVAL = Duration.ofMillis(100);

    private static final JobKey JOB = JobKey.jobKey("record");

    private static final Map<String, Object> JOB_DATA =
            Map.of("text", "grüezi ☃", "count", 42, "tags", new ArrayList<>(List.of("a", "b")));

    @TempDir
    Path dir;

    private final QuartzErrors quartzErrors = new QuartzErrors();

    private ApplicationContextRunner application() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class,
                        TransactionAutoConfiguration.class,
                        JdbcTemplateAutoConfiguration.class,
                        DataSourceInitializationAutoConfiguration.class,
                        QuartzAutoConfiguration.class,
                        SqlitePragmaAutoConfiguration.class,
                        SqliteTranslationAutoConfiguration.class,
                        DbRetryAutoConfiguration.class,
                        SingleWriterAutoConfiguration.class,
                        GroupCommitAutoConfiguration.class,
                        SqliteQuartzAutoConfiguration.class))
                .withUserConfiguration(RunsConfiguration.class)
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("quartz.db"),
                        "spring.quartz.job-store-type=jdbc",
                        "spring.quartz.jdbc.initialize-schema=always",
                        "spring.quartz.properties.org.quartz.threadPool.threadCount=" + TRIGGERS);
    }

    @BeforeEach
    void captureQuartzErrors() {
        this.quartzErrors.attach();
    }

    @AfterEach
    void releaseQuartzErrors() {
        this.quartzErrors.detach();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void everyFiringRunsOnceWithItsJobDataAndNoErrors() {
        Duration load = Duration.ofSeconds(5);
        application().run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(DataSource.class)).isInstanceOf(SqliteSingleWriterDataSource.class);
            scheduleLoad(context);
            Thread.sleep(load.toMillis());
            Figures figures = stop(context);

            assertThat(figures.failures()).isEmpty();
            assertThat(this.quartzErrors.events()).isEmpty();
            assertThat(figures.executions()).isPositive();
            // Each firing Quartz recorded ran once, and each run's row was committed.
            assertThat(figures.rows()).isEqualTo(figures.executions());
            assertThat(figures.timesTriggered()).isEqualTo(figures.executions());
            assertThat(figures.triggersThatRan()).isEqualTo(TRIGGERS);
            System.out.printf(
                    "quartz: starter %d executions in %d s (%d nominal), %d errors%n",
                    figures.executions(),
                    load.toSeconds(),
                    nominal(load),
                    figures.failures().size() + this.quartzErrors.events().size());
        });
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void schedulesSurviveASecondStartOnTheSameFile() {
        AtomicReference<Figures> first = new AtomicReference<>();
        application().run((context) -> {
            scheduleLoad(context);
            Thread.sleep(2_000);
            first.set(stop(context));
        });
        assertThat(first.get().executions()).isPositive();

        // The schema script runs again and keeps the store: the same job and triggers fire on.
        application().run((context) -> {
            assertThat(context).hasNotFailed();
            Scheduler scheduler = context.getBean(Scheduler.class);
            assertThat(scheduler.checkExists(JOB)).isTrue();
            assertThat(scheduler.getTriggersOfJob(JOB)).hasSize(TRIGGERS);
            assertThat(scheduler.getJobDetail(JOB).getJobDataMap()).containsExactlyInAnyOrderEntriesOf(JOB_DATA);
            Thread.sleep(2_000);
            Figures second = stop(context);

            assertThat(second.failures()).isEmpty();
            assertThat(this.quartzErrors.events()).isEmpty();
            assertThat(second.executions()).isPositive();
            assertThat(second.rows()).isEqualTo(first.get().rows() + second.executions());
            assertThat(second.timesTriggered()).isEqualTo(second.rows());
            System.out.printf(
                    "quartz: starter across a restart, %d executions before and %d after, %d errors%n",
                    first.get().executions(),
                    second.executions(),
                    second.failures().size() + this.quartzErrors.events().size());
        });
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void plainBootUnderTheSameLoad() {
        Duration load = Duration.ofSeconds(5);
        application()
                .withPropertyValues(
                        "sqlite.hybrid.enabled=false",
                        // What plain Boot needs to start at all on SQLite.
                        "spring.quartz.jdbc.schema=classpath:org/quartz/impl/jdbcjobstore/tables_sqlite.sql",
                        "spring.quartz.properties.org.quartz.jobStore.driverDelegateClass="
                                + SqliteQuartzDelegate.class.getName(),
                        "spring.quartz.properties.org.quartz.jobStore.lockHandler.class="
                                + UpdateLockRowSemaphore.class.getName())
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(DataSource.class)).isNotInstanceOf(SqliteSingleWriterDataSource.class);
                    scheduleLoad(context);
                    Thread.sleep(load.toMillis());
                    Figures figures = stop(context);

                    List<String> errors = new ArrayList<>(figures.failures());
                    errors.addAll(this.quartzErrors.events());
                    System.out.printf(
                            "quartz: plain Boot %d executions in %d s (%d nominal), %d errors (failed runs and"
                                    + " errors Quartz logged)%s%n",
                            figures.executions(),
                            load.toSeconds(),
                            nominal(load),
                            errors.size(),
                            errors.isEmpty() ? "" : ", the first: " + errors.get(0));
                });
    }

    private static long nominal(Duration load) {
        return TRIGGERS * (load.toMillis() / INTERVAL.toMillis());
    }

    private static void scheduleLoad(AssertableApplicationContext context) throws Exception {
        context.getBean(JdbcTemplate.class)
                .execute("CREATE TABLE IF NOT EXISTS job_runs (trigger_name TEXT NOT NULL,"
                        + " scheduled_at INTEGER NOT NULL, PRIMARY KEY (trigger_name, scheduled_at))");
        Set<Trigger> triggers = new LinkedHashSet<>();
        for (int i = 0; i < TRIGGERS; i++) {
            triggers.add(TriggerBuilder.newTrigger()
                    .withIdentity("every-100ms-" + i)
                    .usingJobData(RecordingJob.TRIGGER_KEY, "every-100ms-" + i)
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                            .withIntervalInMilliseconds(INTERVAL.toMillis())
                            .repeatForever())
                    .startNow()
                    .build());
        }
        context.getBean(Scheduler.class)
                .scheduleJob(
                        JobBuilder.newJob(RecordingJob.class)
                                .withIdentity(JOB)
                                .usingJobData(new JobDataMap(JOB_DATA))
                                .build(),
                        triggers,
                        false);
    }

    // Waits for every job that was fired to finish, then reads what the runs and Quartz itself recorded.
    private static Figures stop(AssertableApplicationContext context) throws Exception {
        context.getBean(Scheduler.class).shutdown(true);
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        Runs runs = context.getBean(Runs.class);
        return new Figures(
                runs.executions.get(),
                jdbc.queryForObject("SELECT count(*) FROM job_runs", Integer.class),
                jdbc.queryForObject("SELECT sum(TIMES_TRIGGERED) FROM QRTZ_SIMPLE_TRIGGERS", Integer.class),
                jdbc.queryForObject("SELECT count(DISTINCT trigger_name) FROM job_runs", Integer.class),
                List.copyOf(runs.failures));
    }

    private record Figures(int executions, int rows, int timesTriggered, int triggersThatRan, List<String> failures) {}

    /** What this context's runs did. */
    static final class Runs {

        final AtomicInteger executions = new AtomicInteger();

        final Queue<String> failures = new ConcurrentLinkedQueue<>();
    }

    /**
     * Checks the data Quartz read back for this firing, records the run in a table and counts it. Created for each
     * run by Boot's job factory, with the context's beans.
     */
    public static class RecordingJob implements Job {

        static final String TRIGGER_KEY = "trigger";

        private final Runs runs;

        private final JdbcTemplate jdbc;

        public RecordingJob(Runs runs, JdbcTemplate jdbc) {
            this.runs = runs;
            this.jdbc = jdbc;
        }

        @Override
        public void execute(JobExecutionContext context) {
            try {
                Map<String, Object> jobData =
                        new HashMap<>(context.getJobDetail().getJobDataMap());
                String trigger = context.getTrigger().getKey().getName();
                if (!jobData.equals(JOB_DATA)) {
                    this.runs.failures.add("job data read back as " + jobData);
                }
                if (!trigger.equals(context.getTrigger().getJobDataMap().getString(TRIGGER_KEY))) {
                    this.runs.failures.add("trigger data of " + trigger + " read back as "
                            + context.getTrigger().getJobDataMap());
                }
                this.jdbc.update(
                        "INSERT INTO job_runs (trigger_name, scheduled_at) VALUES (?, ?)",
                        trigger,
                        context.getScheduledFireTime().getTime());
                this.runs.executions.incrementAndGet();
            } catch (RuntimeException ex) {
                this.runs.failures.add(ex.toString());
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class RunsConfiguration {

        @Bean
        Runs runs() {
            return new Runs();
        }
    }

    /** Errors Quartz logs: failed store transactions, their retries, jobs that threw. */
    private static final class QuartzErrors extends AppenderBase<ILoggingEvent> {

        private final Logger quartz = (Logger) LoggerFactory.getLogger("org.quartz");

        private final Queue<String> events = new ConcurrentLinkedQueue<>();

        void attach() {
            start();
            this.quartz.addAppender(this);
        }

        void detach() {
            this.quartz.detachAppender(this);
            stop();
        }

        List<String> events() {
            return List.copyOf(this.events);
        }

        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                IThrowableProxy cause = event.getThrowableProxy();
                this.events.add(event.getFormattedMessage()
                        + ((cause != null) ? " (" + cause.getClassName() + ": " + cause.getMessage() + ")" : ""));
            }
        }
    }
}
