package io.github.sqlitehybrid.benchmarks;

import java.util.List;

/** A way of running the same operations: the application's setup and how the calls are made. */
enum Variant {

    /** One thread does every operation, one transaction each: the baseline of the ratios. */
    SERIAL("serial, 1 thread", false, List.of("sqlite.hybrid.enabled=false")),

    /** Boot's default pool and plain transactions, busy_timeout 5s: what a service starts with. */
    PLAIN("plain sqlite-jdbc", true, List.of("sqlite.hybrid.enabled=false")),

    /** The same with the hand-made fix: 3 attempts, exponential backoff on SQLITE_BUSY. */
    PLAIN_RETRY("plain + 3x backoff retry", true, List.of("sqlite.hybrid.enabled=false")),

    /** The starter with the single writer off: PRAGMAs and @DbRetry's defaults. */
    DB_RETRY("@DbRetry alone", true, List.of("sqlite.hybrid.writer.enabled=false")),

    /** The starter as it comes: the single writer, no retry needed. */
    SINGLE_WRITER("single writer", true, List.of()),

    /** The starter's group commit writer: callers hand it units, one thread commits them in groups. */
    GROUP_COMMIT("group commit", true, List.of()),

    /** Every operation in one transaction on one thread: the ceiling. */
    BATCH("one batch transaction", false, List.of("sqlite.hybrid.enabled=false"));

    private final String title;

    private final boolean concurrent;

    private final List<String> properties;

    Variant(String title, boolean concurrent, List<String> properties) {
        this.title = title;
        this.concurrent = concurrent;
        this.properties = properties;
    }

    String title() {
        return this.title;
    }

    boolean concurrent() {
        return this.concurrent;
    }

    List<String> properties() {
        return this.properties;
    }
}
