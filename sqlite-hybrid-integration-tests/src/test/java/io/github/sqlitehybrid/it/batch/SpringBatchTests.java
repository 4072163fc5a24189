package io.github.sqlitehybrid.it.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.it.batch.ItemTables.Output;
import io.github.sqlitehybrid.it.support.Figures;
import io.github.sqlitehybrid.it.support.Stack;
import io.github.sqlitehybrid.it.support.TestApplication;
import io.github.sqlitehybrid.writer.SqliteSingleWriterDataSource;
import io.github.sqlitehybrid.writer.WriteTurn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring Batch 6 with its JDBC job repository on the same SQLite file as the data, Boot's batch schema
 * initialization creating its tables: three jobs copy 5,000 items on {@value CopyJobs#THREADS} threads each. With the
 * turn taken at a transaction's first statement, the partitioned and the Batch 5-style multi-threaded steps
 * deadlocked until the turn's acquire timeout: one thread held the turn and waited for a lock taken inside the chunk
 * transaction (the execution-context DAO's, the synchronized reader's), while the lock's holder waited for the turn
 * at its first statement. With the starter every run of every job completes, writes every item once and finishes
 * well inside the acquire timeout, so that a deadlock cannot hide behind it. The same jobs on plain Boot are run
 * beside them and their figures printed.
 */
class SpringBatchTests {

    private static final int ITEMS = 5_000;

    private static final int RUNS = 3;

    private static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(10);

    private static final TestApplication COPY = TestApplication.of(BatchApplication.class)
            .with(Stack.BATCH)
            // Boot's default, embedded, never matches a SQLite file.
            .property("spring.batch.jdbc.initialize-schema", "always")
            .property("spring.batch.job.enabled", false)
            .property("sqlite.hybrid.writer.acquire-timeout", ACQUIRE_TIMEOUT.toMillis() + "ms");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aPartitionedStepCopiesEveryItemOnceInEveryRun() throws Exception {
        copies("partitioned step, 4 partitions", "partitionedCopy", "copyPartition");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void batch5sMultiThreadedTaskletStepCopiesEveryItemOnceInEveryRun() throws Exception {
        copies("Batch 5-style multi-threaded tasklet step, 4 threads", "threadedCopy", "threadedCopy");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void batch6sConcurrentChunkStepCopiesEveryItemOnceInEveryRun() throws Exception {
        copies("Batch 6 concurrent chunk step, 4 threads", "concurrentCopy", "concurrentCopy");
    }

    /**
     * Run a job {@value #RUNS} times with the starter and once on plain Boot, print both, and check the starter's.
     * @param writingStep the step that writes the items; a partitioned step's workers are named after it
     */
    private void copies(String scenario, String job, String writingStep) throws Exception {
        List<Run> starter = runs(this.dir.resolve("starter.db"), true, job, writingStep, RUNS);
        List<Run> plain = runs(this.dir.resolve("plain.db"), false, job, writingStep, 1);
        Figures.print(
                "Batch, " + scenario + ", " + ITEMS + " items in chunks of " + CopyJobs.CHUNK_SIZE,
                numbered(starter),
                plain.get(0));
        for (int i = 0; i < starter.size(); i++) {
            Run run = starter.get(i);
            String name = "run " + (i + 1) + " (" + run + "): ";
            assertThat(run.status()).as(name + "status").isEqualTo(BatchStatus.COMPLETED);
            assertThat(run.output().rows()).as(name + "rows written").isEqualTo(ITEMS);
            assertThat(run.output().distinctIds()).as(name + "items written").isEqualTo(ITEMS);
            assertThat(run.output().missing()).as(name + "items not written").isZero();
            assertThat(run.writeCount())
                    .as(name + "write count of the step executions")
                    .isEqualTo(ITEMS);
            assertThat(run.output().threads())
                    .as(name + "threads that processed items")
                    .isGreaterThan(1);
            assertThat(run.turnTimeouts())
                    .as(name + "waits for the write turn that ran out")
                    .isZero();
            assertThat(run.millis()).as(name + "time, ms").isLessThan(ACQUIRE_TIMEOUT.toMillis());
        }
    }

    private List<Run> runs(Path file, boolean withStarter, String jobName, String writingStep, int runs)
            throws Exception {
        try (ConfigurableApplicationContext context = COPY.start(file, withStarter)) {
            ItemTables tables = context.getBean(ItemTables.class);
            tables.create(ITEMS);
            JobOperator jobOperator = context.getBean(JobOperator.class);
            JobRepository jobRepository = context.getBean(JobRepository.class);
            Job job = context.getBean(jobName, Job.class);
            WriteTurn turn = withStarter
                    ? context.getBean(DataSource.class)
                            .unwrap(SqliteSingleWriterDataSource.class)
                            .getWriteTurn()
                    : null;
            List<Run> done = new ArrayList<>();
            for (int i = 1; i <= runs; i++) {
                tables.clearOutput();
                long timeoutsBefore = (turn != null) ? turn.stats().timeouts() : 0;
                long started = System.nanoTime();
                BatchStatus status;
                long writeCount = 0;
                String failure = null;
                try {
                    JobExecution execution = jobOperator.start(
                            job,
                            new JobParametersBuilder().addLong("run", (long) i).toJobParameters());
                    JobExecution stored = jobRepository.getJobExecution(execution.getId());
                    status = stored.getStatus();
                    for (StepExecution step : stored.getStepExecutions()) {
                        String name = step.getStepName();
                        if (name.equals(writingStep) || name.startsWith(writingStep + ":")) {
                            writeCount += step.getWriteCount();
                        }
                    }
                    failure = execution.getAllFailureExceptions().stream()
                            .findFirst()
                            .map(SpringBatchTests::rootCause)
                            .orElse(null);
                } catch (Exception ex) {
                    status = null;
                    failure = rootCause(ex);
                }
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                long timeouts = (turn != null) ? turn.stats().timeouts() - timeoutsBefore : 0;
                done.add(new Run(
                        status,
                        withStarter ? tables.output() : tables.outputWhenQuiet(),
                        writeCount,
                        millis,
                        timeouts,
                        failure));
            }
            return done;
        }
    }

    /** One run a line, lined up under the first. */
    private static String numbered(List<Run> runs) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            lines.add("run " + (i + 1) + ": " + runs.get(i));
        }
        return String.join("\n" + " ".repeat(22), lines);
    }

    private static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /**
     * One run of a job.
     * @param status how it ended, {@code null} when it could not be started
     * @param output what the output table held afterwards
     * @param writeCount the items the writing step executions counted as written
     * @param millis how long the run took
     * @param turnTimeouts waits for the write turn that ran out during the run (the starter only)
     * @param failure the first failure's root cause, if any
     */
    record Run(BatchStatus status, Output output, long writeCount, long millis, long turnTimeouts, String failure) {

        @Override
        public String toString() {
            String rows = (this.output != null)
                    ? this.output.rows() + " rows (" + this.output.distinctIds() + " items, " + this.output.missing()
                            + " missing), write count " + this.writeCount + ", " + this.output.threads()
                            + ((this.output.threads() == 1) ? " thread" : " threads")
                    : "output unreadable for 10 s (SQLITE_BUSY: a connection of the failed run kept its lock)";
            return ((this.status != null) ? this.status : "NOT STARTED") + ", " + rows + ", " + this.millis + " ms"
                    + ((this.turnTimeouts > 0) ? ", " + this.turnTimeouts + " turn timeouts" : "")
                    + ((this.failure != null) ? ", " + this.failure : "");
        }
    }
}
