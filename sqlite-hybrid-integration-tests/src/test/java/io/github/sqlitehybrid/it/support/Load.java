package io.github.sqlitehybrid.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the same operation from many threads at once and counts what succeeded and what failed, by kind. */
public final class Load {

    private static final Pattern SQLITE_CODE = Pattern.compile("\\[SQLITE_[A-Z_]+\\]");

    private Load() {}

    /**
     * Run {@code perThread} operations on each of {@code threads} threads, all started together.
     * @param threads how many threads
     * @param perThread operations per thread
     * @param timeoutSeconds the whole run's limit: a run that stalls fails the test rather than hanging it
     * @param operation the operation, given its thread and sequence number
     * @return what happened
     */
    public static Outcome run(int threads, int perThread, long timeoutSeconds, Operation operation)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger succeeded = new AtomicInteger();
        Map<String, Integer> failures = new TreeMap<>();
        List<Throwable> firstFailures = new ArrayList<>();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            tasks.add(() -> {
                for (int i = 0; i < perThread; i++) {
                    try {
                        operation.run(thread, i);
                        succeeded.incrementAndGet();
                    } catch (Throwable ex) {
                        synchronized (failures) {
                            failures.merge(describe(ex), 1, Integer::sum);
                            if (firstFailures.size() < 3) {
                                firstFailures.add(ex);
                            }
                        }
                    }
                }
                return null;
            });
        }
        long started = System.nanoTime();
        try {
            List<Future<Void>> futures = pool.invokeAll(tasks, timeoutSeconds, TimeUnit.SECONDS);
            boolean stalled = futures.stream().anyMatch(Future::isCancelled);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            synchronized (failures) {
                return new Outcome(
                        threads * perThread,
                        succeeded.get(),
                        Map.copyOf(failures),
                        List.copyOf(firstFailures),
                        millis,
                        stalled);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The exception's type and the SQLite result code any exception in its chain names, else its root's type. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
            Matcher code = SQLITE_CODE.matcher(String.valueOf(cause.getMessage()));
            if (code.find()) {
                return failure.getClass().getSimpleName() + " " + code.group();
            }
            root = cause;
        }
        return failure.getClass().getSimpleName() + " " + root.getClass().getSimpleName();
    }

    /** One operation of the load. */
    @FunctionalInterface
    public interface Operation {

        void run(int thread, int sequence) throws Exception;
    }

    /**
     * What a load did.
     * @param attempted operations started
     * @param succeeded operations that returned
     * @param failures operations that threw, by {@link #describe kind}
     * @param examples the first few failures, for a test's message
     * @param millis how long the whole load took
     * @param stalled whether it ran out of time
     */
    public record Outcome(
            int attempted,
            int succeeded,
            Map<String, Integer> failures,
            List<Throwable> examples,
            long millis,
            boolean stalled) {

        public int failed() {
            return this.failures.values().stream().mapToInt(Integer::intValue).sum();
        }

        public double perSecond() {
            return (this.millis > 0) ? this.succeeded * 1000.0 / this.millis : 0;
        }

        @Override
        public String toString() {
            return this.succeeded + "/" + this.attempted + " ok, " + failed() + " failed in " + this.millis + " ms ("
                    + String.format("%.0f", perSecond()) + "/s)" + (this.stalled ? ", STALLED" : "")
                    + (this.failures.isEmpty() ? "" : " " + this.failures);
        }
    }
}
