package io.github.sqlitehybrid.benchmarks;

import java.util.List;

/**
 * A way of running the same operations: the application's setup and how the calls are made. The PostgreSQL
 * variants run the same application code as their SQLite counterparts; only the DataSource URL differs.
 */
enum Variant {

    /** One thread does every operation, one transaction each: the baseline of the ratios. */
    SERIAL("serial, 1 thread", false, false, List.of("sqlite.hybrid.enabled=false")),

    /** Boot's default pool and plain transactions, busy_timeout 5s: what a service starts with. */
    PLAIN("plain sqlite-jdbc", true, false, List.of("sqlite.hybrid.enabled=false")),

    /** The same with the hand-made fix: 3 attempts, exponential backoff on SQLITE_BUSY. */
    PLAIN_RETRY("plain + 3x backoff retry", true, false, List.of("sqlite.hybrid.enabled=false")),

    /**
     * The one-line fix Rails 8 and Django 5.1 ship, without the starter: every transaction begins with
     * {@code BEGIN IMMEDIATE} (sqlite-jdbc's {@code transaction_mode}), so it waits in the busy handler for the
     * write lock instead of failing on {@code SQLITE_BUSY_SNAPSHOT}.
     */
    IMMEDIATE(
            "IMMEDIATE + busy_timeout 5 s",
            true,
            false,
            List.of(
                    "sqlite.hybrid.enabled=false",
                    "spring.datasource.hikari.data-source-properties.transaction_mode=IMMEDIATE")),

    /** The other one-line fix, without the starter: a pool of one connection, so transactions queue in HikariCP. */
    POOL_OF_ONE(
            "HikariCP pool of 1",
            true,
            false,
            List.of("sqlite.hybrid.enabled=false", "spring.datasource.hikari.maximum-pool-size=1")),

    /** The starter with the single writer off: PRAGMAs and @DbRetry's defaults. */
    DB_RETRY("@DbRetry alone", true, false, List.of("sqlite.hybrid.writer.enabled=false")),

    /** The starter as it comes: the single writer, no retry needed, one COMMIT per write transaction. */
    SINGLE_WRITER("single writer", true, false, List.of()),

    /** The single writer with commit coalescing turned on: write transactions that queue share a COMMIT. */
    COALESCING("single writer + coalescing", true, false, List.of("sqlite.hybrid.writer.coalescing.enabled=true")),

    /** The starter's group commit writer: callers hand it units, one thread commits them in groups. */
    GROUP_COMMIT("group commit", true, false, List.of()),

    /** Every operation in one transaction on one thread: the ceiling. */
    BATCH("one batch transaction", false, false, List.of("sqlite.hybrid.enabled=false")),

    /** {@link #SERIAL} on PostgreSQL: PostgreSQL's own baseline, printed beside SQLite's. */
    POSTGRES_SERIAL("PostgreSQL serial", false, true, List.of("sqlite.hybrid.enabled=false")),

    /**
     * {@link #DB_RETRY} on PostgreSQL: the same calls through {@code DbRetryTemplate}, which judges lock errors
     * by SQLState there; the SQLite-only parts (PRAGMAs, single writer, group commit) stand aside.
     */
    POSTGRES_DB_RETRY("PostgreSQL + @DbRetry", true, true, List.of("sqlite.hybrid.writer.enabled=false"));

    private final String title;

    private final boolean concurrent;

    private final boolean postgres;

    private final List<String> properties;

    Variant(String title, boolean concurrent, boolean postgres, List<String> properties) {
        this.title = title;
        this.concurrent = concurrent;
        this.postgres = postgres;
        this.properties = properties;
    }

    String title() {
        return this.title;
    }

    boolean concurrent() {
        return this.concurrent;
    }

    /** Whether the variant runs on the PostgreSQL server instead of a SQLite file. */
    boolean postgres() {
        return this.postgres;
    }

    List<String> properties() {
        return this.properties;
    }

    /** Whether a user would pick this instead of the starter: plain Boot and the two one-line fixes. */
    boolean peer() {
        return this == PLAIN || this == IMMEDIATE || this == POOL_OF_ONE;
    }
}
