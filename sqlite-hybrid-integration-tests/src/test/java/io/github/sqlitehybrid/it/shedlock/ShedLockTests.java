package io.github.sqlitehybrid.it.shedlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.github.sqlitehybrid.it.support.Figures;
import io.github.sqlitehybrid.it.support.Load;
import io.github.sqlitehybrid.it.support.Load.Outcome;
import io.github.sqlitehybrid.it.support.TestApplication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * ShedLock's JDBC lock provider on a fresh SQLite file: sixteen threads run four named reports, each under its
 * lock, the way several nodes' schedulers would. The first callers of a name race to insert its lock row and all
 * but one must be told by a {@code DuplicateKeyException}; afterwards each lock is taken by an update. With the
 * starter, no call fails and no two callers are ever inside one lock.
 */
class ShedLockTests {

    private static final int THREADS = 16;

    private static final int CALLS_PER_THREAD = 32;

    private static final int REPORTS = 4;

    private static final TestApplication SHEDLOCK = TestApplication.of(ShedLockApplication.class)
            .property("spring.sql.init.mode", "always")
            .property("spring.sql.init.schema-locations", "classpath:io/github/sqlitehybrid/it/shedlock/schema.sql");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void everyCallReturnsAndNoTwoCallersAreInsideOneLock() throws Exception {
        Locks starter = lock(this.dir.resolve("starter.db"), true);
        Locks plain = lock(this.dir.resolve("plain.db"), false);
        Figures.print(
                "ShedLock, " + REPORTS + " locks (" + THREADS + " threads x " + CALLS_PER_THREAD + " calls)",
                starter,
                plain);
        assertThat(starter.outcome().failures())
                .as(starter.outcome().examples().toString())
                .isEmpty();
        assertThat(starter.errors()).isEmpty();
        // The race for a new lock row happened, and was told apart from an error.
        assertThat(starter.duplicateKeys()).isPositive();
        assertThat(starter.overlaps()).isZero();
        assertThat(starter.stored()).isEqualTo(starter.ran());
        assertThat(starter.ran()).hasSize(REPORTS);
        // The times compare as numbers, as the schema says.
        assertThat(starter.timeTypes()).containsExactly("integer");
    }

    /** Why the provider is built without {@code usingDbTime()}: ShedLock knows no SQLite statements for it. */
    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void databaseTimeIsNotOfferedOnSqlite() {
        try (ConfigurableApplicationContext context = SHEDLOCK.start(this.dir.resolve("db-time.db"), true)) {
            JdbcTemplateLockProvider provider =
                    new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                            .withJdbcTemplate(new JdbcTemplate(context.getBean(DataSource.class)))
                            .usingDbTime()
                            .build());
            LockConfiguration lock =
                    new LockConfiguration(ClockProvider.now(), "report", Duration.ofSeconds(30), Duration.ZERO);
            assertThatExceptionOfType(UnsupportedOperationException.class)
                    .isThrownBy(() -> provider.lock(lock))
                    .withMessageContaining("UNKNOWN");
        }
    }

    private Locks lock(Path file, boolean starter) throws Exception {
        try (ConfigurableApplicationContext context = SHEDLOCK.start(file, starter)) {
            ReportService reports = context.getBean(ReportService.class);
            Map<String, Integer> ran = new ConcurrentHashMap<>();
            StorageAccessorLog log = new StorageAccessorLog();
            log.attach();
            Outcome outcome;
            try {
                outcome = Load.run(THREADS, CALLS_PER_THREAD, 90, (thread, i) -> {
                    String name = "report-" + ((thread + i) % REPORTS);
                    if (reports.runIfFree(name)) {
                        ran.merge(name, 1, Integer::sum);
                    }
                });
            } finally {
                log.detach();
            }
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            Map<String, Integer> stored = jdbc.queryForList("SELECT name, runs FROM report_runs").stream()
                    .collect(Collectors.toMap(
                            (row) -> (String) row.get("name"), (row) -> ((Number) row.get("runs")).intValue()));
            List<String> timeTypes = jdbc.queryForList(
                    "SELECT typeof(lock_until) FROM shedlock UNION SELECT typeof(locked_at) FROM shedlock",
                    String.class);
            return new Locks(
                    outcome, Map.copyOf(ran), stored, reports.overlaps(), log.duplicateKeys(), log.errors(), timeTypes);
        }
    }

    /**
     * What the callers did.
     * @param outcome the calls
     * @param ran runs by report, as the callers counted them
     * @param stored runs by report, as the runs recorded them
     * @param overlaps entries into a lock another caller was inside
     * @param duplicateKeys inserts of a lock row that lost the race, as ShedLock expects
     * @param errors warnings and errors ShedLock logged
     * @param timeTypes the SQLite types the lock rows' times were stored as
     */
    record Locks(
            Outcome outcome,
            Map<String, Integer> ran,
            Map<String, Integer> stored,
            int overlaps,
            int duplicateKeys,
            List<String> errors,
            List<String> timeTypes) {

        @Override
        public String toString() {
            int runs = this.ran.values().stream().mapToInt(Integer::intValue).sum();
            int recorded =
                    this.stored.values().stream().mapToInt(Integer::intValue).sum();
            return this.outcome + "; " + runs + " ran (" + recorded + " recorded), "
                    + (this.outcome.succeeded() - runs) + " skipped, " + this.overlaps + " overlapping, "
                    + this.duplicateKeys + " duplicate-key inserts, " + this.errors.size() + " errors logged"
                    + (this.errors.isEmpty() ? "" : ", the first: " + this.errors.get(0));
        }
    }
}
