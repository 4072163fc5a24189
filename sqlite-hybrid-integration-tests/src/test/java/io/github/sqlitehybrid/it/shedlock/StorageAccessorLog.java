package io.github.sqlitehybrid.it.shedlock;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * What ShedLock's JDBC storage accessor logs: it reports at debug level an insert that lost the race for a new lock
 * row (a {@code DuplicateKeyException} it expected), and at error level any other database error. Attached after
 * the application started, since Boot's logging set-up replaces appenders.
 */
final class StorageAccessorLog extends AppenderBase<ILoggingEvent> {

    private final Logger logger = (Logger)
            LoggerFactory.getLogger("net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateStorageAccessor");

    private final AtomicInteger duplicateKeys = new AtomicInteger();

    private final Queue<String> errors = new ConcurrentLinkedQueue<>();

    private Level level;

    private boolean additive;

    void attach() {
        this.level = this.logger.getLevel();
        this.additive = this.logger.isAdditive();
        start();
        this.logger.addAppender(this);
        // Debug events (with a stack trace for each expected duplicate) come here only, not to the console.
        this.logger.setLevel(Level.DEBUG);
        this.logger.setAdditive(false);
    }

    void detach() {
        this.logger.setAdditive(this.additive);
        this.logger.setLevel(this.level);
        this.logger.detachAppender(this);
        stop();
    }

    int duplicateKeys() {
        return this.duplicateKeys.get();
    }

    List<String> errors() {
        return List.copyOf(this.errors);
    }

    @Override
    protected void append(ILoggingEvent event) {
        IThrowableProxy cause = event.getThrowableProxy();
        if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
            this.errors.add(event.getFormattedMessage()
                    + ((cause != null) ? " (" + cause.getClassName() + ": " + cause.getMessage() + ")" : ""));
        } else if (cause != null && cause.getClassName().endsWith(".DuplicateKeyException")) {
            this.duplicateKeys.incrementAndGet();
        }
    }
}
