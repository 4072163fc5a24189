package io.github.sqlitehybrid.it.quartz;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.it.support.Figures;
import io.github.sqlitehybrid.it.support.Stack;
import io.github.sqlitehybrid.it.support.TestApplication;
import io.github.sqlitehybrid.quartz.SqliteQuartzDelegate;
import io.github.sqlitehybrid.writer.SqliteSingleWriterDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.impl.jdbcjobstore.UpdateLockRowSemaphore;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Quartz's JDBC job store through Boot's auto-configuration, set up as Boot's documentation says and nothing more:
 * two jobs with their data, eight repeating triggers declared as beans, eight worker threads, a few seconds of
 * firings. With the starter, every firing Quartz recorded ran exactly once, read its job data back intact, and
 * Quartz logged no error. Plain Boot cannot start on SQLite with those settings; it is given the schema, driver
 * delegate and lock handler explicitly, and its figures printed.
 */
class QuartzJobStoreTests {

    private static final Duration FIRING = Duration.ofSeconds(4);

    private static final int THREADS = 8;

    @TempDir
    Path dir;

    // What Boot's documentation names for a JDBC job store, and the pool size.
    private static TestApplication quartz() {
        return TestApplication.of(QuartzApplication.class)
                .with(Stack.QUARTZ)
                .property("spring.quartz.job-store-type", "jdbc")
                .property("spring.quartz.jdbc.initialize-schema", "always")
                .property("spring.quartz.properties.org.quartz.threadPool.threadCount", THREADS);
    }

    // What plain Boot needs besides to start on SQLite at all: Quartz ships no SQLite schema, its default row lock
    // is SELECT ... FOR UPDATE, and its standard delegate reads job data with getBlob.
    private static TestApplication quartzOnPlainBoot() {
        return quartz().property(
                        "spring.quartz.jdbc.schema", "classpath:org/quartz/impl/jdbcjobstore/tables_sqlite.sql")
                .property(
                        "spring.quartz.properties.org.quartz.jobStore.driverDelegateClass",
                        SqliteQuartzDelegate.class.getName())
                .property(
                        "spring.quartz.properties.org.quartz.jobStore.lockHandler.class",
                        UpdateLockRowSemaphore.class.getName());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void everyFiringRunsOnceWithItsJobDataAndNoErrors() throws Exception {
        Firings starter = fire(quartz(), this.dir.resolve("starter.db"), true);
        Object plain;
        try {
            plain = fire(quartzOnPlainBoot(), this.dir.resolve("plain.db"), false);
        } catch (RuntimeException ex) {
            plain = "did not start: " + ex;
        }
        Figures.print(
                "Quartz JDBC job store, 2 jobs x 4 repeating triggers, " + THREADS + " threads, " + FIRING.toSeconds()
                        + " s",
                starter,
                plain);
        assertThat(starter.singleWriter()).isTrue();
        assertThat(starter.failures()).isEmpty();
        assertThat(starter.errors()).isEmpty();
        assertThat(starter.executions()).isPositive();
        // Each firing Quartz recorded ran once, and each run's row was committed.
        assertThat(starter.rows()).isEqualTo(starter.executions());
        assertThat(starter.timesTriggered()).isEqualTo(starter.executions());
        assertThat(starter.triggersThatRan()).isEqualTo(2 * QuartzApplication.INTERVALS.size());
        assertThat(starter.jobData()).isEqualTo(QuartzApplication.JOB_DATA);
    }

    private Firings fire(TestApplication application, Path file, boolean starter) throws Exception {
        try (ConfigurableApplicationContext context = application.start(file, starter)) {
            Thread.sleep(FIRING.toMillis());
            Scheduler scheduler = context.getBean(Scheduler.class);
            Map<String, Map<String, Object>> jobData = new HashMap<>();
            List<SimpleTrigger> triggers = new ArrayList<>();
            for (String job : QuartzApplication.JOB_DATA.keySet()) {
                JobKey key = JobKey.jobKey(job);
                jobData.put(job, new HashMap<>(scheduler.getJobDetail(key).getJobDataMap()));
                for (Trigger trigger : scheduler.getTriggersOfJob(key)) {
                    triggers.add((SimpleTrigger) trigger);
                }
            }
            // Waits for the jobs already fired to finish, so that what they did and what Quartz recorded agree.
            scheduler.shutdown(true);
            // Firings due from each trigger's start (when its bean was made) until the scheduler stopped.
            long stopped = System.currentTimeMillis();
            long due = triggers.stream()
                    .mapToLong(
                            (trigger) -> 1 + (stopped - trigger.getStartTime().getTime()) / trigger.getRepeatInterval())
                    .sum();
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            JobRuns runs = context.getBean(JobRuns.class);
            return new Firings(
                    context.getBean(DataSource.class) instanceof SqliteSingleWriterDataSource,
                    due,
                    runs.executions(),
                    jdbc.queryForObject("SELECT count(*) FROM job_runs", Integer.class),
                    jdbc.queryForObject(
                            "SELECT coalesce(sum(TIMES_TRIGGERED), 0) FROM QRTZ_SIMPLE_TRIGGERS", Integer.class),
                    jdbc.queryForObject("SELECT count(DISTINCT trigger_name) FROM job_runs", Integer.class),
                    jobData,
                    runs.failures(),
                    context.getBean(QuartzErrorLog.class).errors());
        }
    }

    /**
     * What the scheduler did.
     * @param singleWriter whether the application's DataSource was the starter's single writer
     * @param due firings due by the time the scheduler was stopped
     * @param executions runs that completed
     * @param rows rows the runs committed
     * @param timesTriggered firings, as Quartz counted them in its store
     * @param triggersThatRan triggers with at least one run
     * @param jobData each job's data, read back from the store
     * @param failures runs that failed, or read their data back wrong
     * @param errors errors Quartz logged
     */
    record Firings(
            boolean singleWriter,
            long due,
            int executions,
            int rows,
            int timesTriggered,
            int triggersThatRan,
            Map<String, Map<String, Object>> jobData,
            List<String> failures,
            List<String> errors) {

        @Override
        public String toString() {
            return this.executions + " runs of " + this.due + " firings due, " + this.rows + " rows, "
                    + this.timesTriggered + " firings recorded by Quartz, " + this.triggersThatRan
                    + " triggers ran; " + this.failures.size() + " failed runs, " + this.errors.size()
                    + " errors logged"
                    + (this.failures.isEmpty() ? "" : "; the first failure: " + this.failures.get(0))
                    + (this.errors.isEmpty() ? "" : "; the first error: " + this.errors.get(0));
        }
    }
}
