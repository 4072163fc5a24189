package io.github.sqlitehybrid.it.jpa.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.sqlitehybrid.it.support.Figures;
import io.github.sqlitehybrid.it.support.Load;
import io.github.sqlitehybrid.it.support.Load.Outcome;
import io.github.sqlitehybrid.it.support.Stack;
import io.github.sqlitehybrid.it.support.TestApplication;
import io.github.sqlitehybrid.retry.DbRetryStats;
import io.github.sqlitehybrid.retry.LockStatistics;
import io.github.sqlitehybrid.retry.SqliteLockErrorClassifier;
import io.github.sqlitehybrid.writer.NestedWriteTransactionException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring Data JPA without open-in-view: transfers that read two accounts and then write them, read-only reports
 * beside them, {@code REQUIRES_NEW} audit rows, and {@code @DbRetry} on a repository interface.
 */
class JpaTransactionsTests {

    private static final int ACCOUNTS = 8;

    private static final long OPENING_BALANCE = 1_000;

    private static final TestApplication BANK = TestApplication.of(BankApplication.class)
            .with(Stack.JPA)
            .property("spring.jpa.hibernate.ddl-auto", "update");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void concurrentTransfersLoseNothingAndEveryReadOnlyReportSeesTheSameTotal() throws Exception {
        Transfers starter = transfers(this.dir.resolve("starter.db"), true);
        Transfers plain = transfers(this.dir.resolve("plain.db"), false);
        Figures.print("JPA, transfers (16 threads x 200) with read-only reports beside them", starter, plain);
        assertThat(starter.outcome().failures())
                .as(starter.outcome().examples().toString())
                .isEmpty();
        assertThat(starter.inconsistentReports()).isZero();
        assertThat(starter.reports()).isPositive();
        assertThat(starter.balancesAsExpected()).isTrue();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aRequiresNewWriteInsideATransactionThatHasOnlyReadCompletes() throws Exception {
        String starter = openAfterReading(this.dir.resolve("starter.db"), true);
        String plain = openAfterReading(this.dir.resolve("plain.db"), false);
        Figures.print("JPA, REQUIRES_NEW audit row after the outer transaction read", starter, plain);
        assertThat(starter).startsWith("ok");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aRequiresNewWriteAfterTheOuterTransactionWroteFailsAtOnceAndIsNotRetried() throws Exception {
        try (ConfigurableApplicationContext context = BANK.start(this.dir.resolve("starter.db"), true)) {
            BankService bank = context.getBean(BankService.class);
            long started = System.nanoTime();
            Throwable failure = catchThrowable(() -> bank.openThenAudit("Ada"));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(failure).hasRootCauseInstanceOf(NestedWriteTransactionException.class);
            assertThat(new SqliteLockErrorClassifier().lockErrorCode(failure)).isNull();
            assertThat(millis).isLessThan(2_000);
            DbRetryStats calls =
                    context.getBean(LockStatistics.class).operations().get("BankService.openThenAudit");
            assertThat(calls.calls()).isEqualTo(1);
            assertThat(calls.retries()).isZero();
            assertThat(context.getBean(AccountRepository.class).count()).isZero();
            String plain = timed(() -> {
                try (ConfigurableApplicationContext plainBoot = BANK.start(this.dir.resolve("plain.db"), false)) {
                    plainBoot.getBean(BankService.class).openThenAudit("Ada");
                }
            });
            Figures.print(
                    "JPA, REQUIRES_NEW audit row after the outer transaction wrote",
                    "refused in " + millis + " ms: " + failure.getClass().getSimpleName(),
                    plain);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void dbRetryOnARepositoryInterfaceMethodRetriesAndIsNamedByTheInterface() throws Exception {
        TestApplication bank = TestApplication.of(BankApplication.class)
                .with(Stack.JPA)
                .property("spring.jpa.hibernate.ddl-auto", "update")
                .property("sqlite.hybrid.pragmas.busy-timeout", "50ms");
        Path file = this.dir.resolve("retry.db");
        try (ConfigurableApplicationContext context = bank.start(file, true)) {
            AccountRepository accounts = context.getBean(AccountRepository.class);
            long id = accounts.save(new Account("Ada", 0)).getId();
            Outcome outcome;
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement statement = other.createStatement()) {
                // Another process holds the lock for longer than the busy timeout: the first deposits fail with
                // SQLITE_BUSY and are run again.
                statement.execute("BEGIN EXCLUSIVE");
                Thread release = new Thread(() -> {
                    sleep(300);
                    rollbackQuietly(statement);
                });
                release.start();
                outcome = Load.run(4, 25, 60, (thread, i) -> accounts.deposit(id, 1));
                release.join();
            }
            Map<String, DbRetryStats> operations =
                    context.getBean(LockStatistics.class).operations();
            System.out.println("[stack] @DbRetry on AccountRepository.deposit: " + outcome + ", recorded as "
                    + operations.keySet());
            assertThat(outcome.failures()).isEmpty();
            assertThat(accounts.findById(id).orElseThrow().getBalance()).isEqualTo(100);
            assertThat(operations).containsKey("AccountRepository.deposit");
            assertThat(operations.keySet()).noneMatch((name) -> name.startsWith("$Proxy"));
            assertThat(operations.get("AccountRepository.deposit").retries()).isPositive();
        }
    }

    private Transfers transfers(Path file, boolean starter) throws Exception {
        try (ConfigurableApplicationContext context = BANK.start(file, starter)) {
            AccountRepository accounts = context.getBean(AccountRepository.class);
            BankService bank = context.getBean(BankService.class);
            List<Long> ids = accounts
                    .saveAll(java.util.stream.IntStream.range(0, ACCOUNTS)
                            .mapToObj((i) -> new Account("holder " + i, OPENING_BALANCE))
                            .toList())
                    .stream()
                    .map(Account::getId)
                    .toList();
            Map<Long, AtomicLong> expected = new ConcurrentHashMap<>();
            ids.forEach((id) -> expected.put(id, new AtomicLong(OPENING_BALANCE)));
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger reports = new AtomicInteger();
            AtomicInteger inconsistent = new AtomicInteger();
            Thread reporter = new Thread(() -> {
                while (running.get()) {
                    try {
                        if (bank.total() != ACCOUNTS * OPENING_BALANCE) {
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
                outcome = Load.run(16, 200, 180, (thread, i) -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    long from = ids.get(random.nextInt(ACCOUNTS));
                    long to = ids.get((ids.indexOf(from) + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS);
                    long amount = 1 + random.nextInt(10);
                    bank.transfer(from, to, amount);
                    expected.get(from).addAndGet(-amount);
                    expected.get(to).addAndGet(amount);
                });
            } finally {
                running.set(false);
                reporter.join();
            }
            boolean balances = accounts.findAll().stream()
                    .allMatch((account) -> account.getBalance()
                            == expected.get(account.getId()).get());
            return new Transfers(outcome, reports.get(), inconsistent.get(), balances);
        }
    }

    private String openAfterReading(Path file, boolean starter) {
        try (ConfigurableApplicationContext context = BANK.start(file, starter)) {
            BankService bank = context.getBean(BankService.class);
            long started = System.nanoTime();
            try {
                bank.openAfterReading("Grace");
                long audits = context.getBean(AuditRepository.class).count();
                long accounts = context.getBean(AccountRepository.class).count();
                if (starter) {
                    assertThat(audits).isEqualTo(1);
                    assertThat(accounts).isEqualTo(1);
                }
                return "ok in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms, " + audits
                        + " audit row, " + accounts + " account";
            } catch (RuntimeException ex) {
                return "failed in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms: " + ex;
            }
        }
    }

    private static String timed(Runnable action) {
        long started = System.nanoTime();
        try {
            action.run();
            return "ok in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms";
        } catch (RuntimeException ex) {
            Throwable root = ex;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return "failed in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms: "
                    + root.getMessage();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private static void rollbackQuietly(Statement statement) {
        try {
            statement.execute("ROLLBACK");
        } catch (java.sql.SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** What a transfer load did, and what its reports saw. */
    record Transfers(Outcome outcome, int reports, int inconsistentReports, boolean balancesAsExpected) {

        @Override
        public String toString() {
            return this.outcome + "; " + this.reports + " reports, " + this.inconsistentReports
                    + " failed or inconsistent; balances " + (this.balancesAsExpected ? "as expected" : "WRONG");
        }
    }
}
