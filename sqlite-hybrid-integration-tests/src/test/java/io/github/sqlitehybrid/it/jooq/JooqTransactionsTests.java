package io.github.sqlitehybrid.it.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.it.jooq.TaskQueue.Counts;
import io.github.sqlitehybrid.it.support.Figures;
import io.github.sqlitehybrid.it.support.Load;
import io.github.sqlitehybrid.it.support.Load.Outcome;
import io.github.sqlitehybrid.it.support.Stack;
import io.github.sqlitehybrid.it.support.TestApplication;
import io.github.sqlitehybrid.writer.SqliteSingleWriterDataSource;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * jOOQ through Boot's auto-configuration, its dialect detected from the DataSource: sixteen workers claim tasks in
 * {@code DSLContext.transactionResult} blocks that read the first unclaimed task and then mark it, while a reporter
 * counts claimed and unclaimed tasks in read-only Spring transactions. With the starter, every claim succeeds, no
 * task is claimed twice, every report adds up, and reports never take the write turn.
 */
class JooqTransactionsTests {

    private static final int WORKERS = 16;

    private static final int CLAIMS_PER_WORKER = 40;

    private static final int TASKS = WORKERS * CLAIMS_PER_WORKER;

    private static final TestApplication QUEUE =
            TestApplication.of(JooqApplication.class).with(Stack.JOOQ);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void everyClaimSucceedsNoTaskIsClaimedTwiceAndEveryReportAddsUp() throws Exception {
        Claims starter = claim(this.dir.resolve("starter.db"), true);
        Claims plain = claim(this.dir.resolve("plain.db"), false);
        Figures.print(
                "jOOQ, claims that read then write (" + WORKERS + " workers x " + CLAIMS_PER_WORKER
                        + ") with read-only reports beside them",
                starter,
                plain);
        assertThat(starter.dialect()).isEqualTo(SQLDialect.SQLITE);
        assertThat(plain.dialect()).isEqualTo(SQLDialect.SQLITE);
        assertThat(starter.outcome().failures())
                .as(starter.outcome().examples().toString())
                .isEmpty();
        assertThat(starter.outcome().stalled()).isFalse();
        // Each worker's claims are its own in the table, and together they are every task.
        assertThat(starter.stored()).isEqualTo(starter.claimed());
        assertThat(starter.stored()).hasSize(TASKS);
        assertThat(starter.reports()).isPositive();
        assertThat(starter.inconsistentReports()).isZero();
        // One write turn a claim: the reports ran on the read pool.
        assertThat(starter.writeTurns()).isEqualTo(TASKS);
    }

    private Claims claim(Path file, boolean starter) throws Exception {
        try (ConfigurableApplicationContext context = QUEUE.start(file, starter)) {
            TaskQueue queue = context.getBean(TaskQueue.class);
            queue.create(TASKS);
            long turnsBefore = turns(context, starter);
            Map<Integer, String> claimed = new ConcurrentHashMap<>();
            AtomicInteger claimedTwice = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger reports = new AtomicInteger();
            AtomicInteger inconsistent = new AtomicInteger();
            Thread reporter = new Thread(() -> {
                while (running.get()) {
                    try {
                        Counts counts = queue.counts();
                        if (counts.claimed() + counts.unclaimed() != TASKS) {
                            inconsistent.incrementAndGet();
                        }
                        reports.incrementAndGet();
                    } catch (RuntimeException ex) {
                        inconsistent.incrementAndGet();
                    }
                }
            });
            reporter.start();
            Outcome outcome;
            try {
                outcome = Load.run(WORKERS, CLAIMS_PER_WORKER, 90, (worker, i) -> {
                    Integer task = queue.claim("worker-" + worker);
                    if (task == null) {
                        throw new IllegalStateException("no task left for claim " + i + " of worker " + worker);
                    }
                    if (claimed.putIfAbsent(task, "worker-" + worker) != null) {
                        claimedTwice.incrementAndGet();
                    }
                });
            } finally {
                running.set(false);
                reporter.join();
            }
            return new Claims(
                    context.getBean(DSLContext.class).dialect(),
                    outcome,
                    Map.copyOf(claimed),
                    queue.claims(),
                    claimedTwice.get(),
                    reports.get(),
                    inconsistent.get(),
                    turns(context, starter) - turnsBefore);
        }
    }

    private static long turns(ConfigurableApplicationContext context, boolean starter) throws Exception {
        return starter
                ? context.getBean(DataSource.class)
                        .unwrap(SqliteSingleWriterDataSource.class)
                        .getWriteTurn()
                        .stats()
                        .acquisitions()
                : 0;
    }

    /**
     * What the workers and the reporter did.
     * @param dialect the dialect Boot gave jOOQ
     * @param outcome the claims
     * @param claimed each task the workers were told they claimed, by the worker told first
     * @param stored each claimed task's worker, as stored
     * @param claimedTwice claims of a task another worker had already been told it claimed
     * @param reports reports made
     * @param inconsistentReports reports that failed or did not add up
     * @param writeTurns write turns taken during the load (with the starter)
     */
    record Claims(
            SQLDialect dialect,
            Outcome outcome,
            Map<Integer, String> claimed,
            Map<Integer, String> stored,
            int claimedTwice,
            int reports,
            int inconsistentReports,
            long writeTurns) {

        @Override
        public String toString() {
            return "dialect " + this.dialect + ", " + this.outcome + "; " + this.stored.size() + " tasks claimed, "
                    + this.claimedTwice + " claimed twice; " + this.reports + " reports, " + this.inconsistentReports
                    + " failed or inconsistent";
        }
    }
}
