package io.github.sqlitehybrid.buffer;

/**
 * What a write call does when the {@link WriteBuffer} already holds {@code max-pending} rows.
 *
 * @since 0.1.0
 */
public enum OverflowPolicy {

    /** Wait up to {@code offer-timeout} for a flush to free space, then throw {@link WriteBufferFullException}. */
    BLOCK,

    /** Throw {@link WriteBufferFullException} at once. */
    REJECT
}
