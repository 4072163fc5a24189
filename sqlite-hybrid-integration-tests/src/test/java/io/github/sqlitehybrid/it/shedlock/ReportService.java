package io.github.sqlitehybrid.it.shedlock;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Runs a named report under its ShedLock lock, as a scheduled {@code @SchedulerLock} method would: a caller that
 * finds the lock held skips the run. Counts, outside the database, how many callers were inside one lock at once.
 */
@Service
public class ReportService {

    private static final Duration LOCK_AT_MOST_FOR = Duration.ofSeconds(30);

    private final LockingTaskExecutor executor;

    private final JdbcTemplate jdbc;

    private final Map<String, AtomicInteger> holders = new ConcurrentHashMap<>();

    private final AtomicInteger overlaps = new AtomicInteger();

    ReportService(LockingTaskExecutor executor, JdbcTemplate jdbc) {
        this.executor = executor;
        this.jdbc = jdbc;
    }

    /**
     * Run the report if no one else is running it.
     * @param name the report, and its lock
     * @return whether it ran
     */
    public boolean runIfFree(String name) {
        LockConfiguration lock = new LockConfiguration(ClockProvider.now(), name, LOCK_AT_MOST_FOR, Duration.ZERO);
        AtomicBoolean ran = new AtomicBoolean();
        this.executor.executeWithLock(
                (Runnable) () -> {
                    run(name);
                    ran.set(true);
                },
                lock);
        return ran.get();
    }

    /** How many times a caller entered a lock someone else was inside. */
    public int overlaps() {
        return this.overlaps.get();
    }

    private void run(String name) {
        AtomicInteger inside = this.holders.computeIfAbsent(name, (n) -> new AtomicInteger());
        if (inside.incrementAndGet() > 1) {
            this.overlaps.incrementAndGet();
        }
        try {
            // A read, then a write of what was read, in separate statements: a second holder would lose a run.
            Integer runs =
                    this.jdbc.queryForList("SELECT runs FROM report_runs WHERE name = ?", Integer.class, name).stream()
                            .findFirst()
                            .orElse(0);
            this.jdbc.update(
                    "INSERT INTO report_runs (name, runs) VALUES (?, ?)"
                            + " ON CONFLICT (name) DO UPDATE SET runs = excluded.runs",
                    name,
                    runs + 1);
        } finally {
            inside.decrementAndGet();
        }
    }
}
