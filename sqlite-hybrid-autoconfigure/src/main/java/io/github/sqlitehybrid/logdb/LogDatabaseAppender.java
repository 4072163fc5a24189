package io.github.sqlitehybrid.logdb;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;

/**
 * Hands log events to a {@link LogDatabase}. It only copies the event into an immutable {@link LogLine}
 * and offers it to the database's bounded queue: a full queue drops the line and counts it, so the logging
 * thread never waits for SQLite. It logs nothing itself.
 */
final class LogDatabaseAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /** Name under which the appender is attached. */
    static final String NAME = "SQLITE_HYBRID_LOG_DATABASE";

    private final LogDatabase database;

    private final Level threshold;

    LogDatabaseAppender(LogDatabase database, org.slf4j.event.Level minLevel) {
        this.database = database;
        this.threshold = Level.convertAnSLF4JLevel(minLevel);
        setName(NAME);
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(this.threshold) || this.database.isWriterThread()) {
            // The writer's own lines (SQLite driver warnings, say) would feed the queue they come from.
            return;
        }
        this.database.offer(LogLine.of(event));
    }
}
