package io.github.sqlitehybrid.it.quartz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The errors Quartz logs while the application runs: store transactions that failed, their retries, jobs that
 * threw. A bean, so that it is attached once Boot has set logging up and before the scheduler starts.
 */
@Component
class QuartzErrorLog extends AppenderBase<ILoggingEvent> implements DisposableBean {

    private final Logger quartz = (Logger) LoggerFactory.getLogger("org.quartz");

    private final Queue<String> errors = new ConcurrentLinkedQueue<>();

    QuartzErrorLog() {
        start();
        this.quartz.addAppender(this);
    }

    List<String> errors() {
        return List.copyOf(this.errors);
    }

    @Override
    public void destroy() {
        this.quartz.detachAppender(this);
        stop();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
            IThrowableProxy cause = event.getThrowableProxy();
            this.errors.add(event.getFormattedMessage()
                    + ((cause != null) ? " (" + cause.getClassName() + ": " + cause.getMessage() + ")" : ""));
        }
    }
}
