package dev.orchard.engine.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import dev.orchard.engine.store.DiskFullException;

/**
 * Keeps log events caused by a full disk out of the log (logback.xml). A full disk is the user's to fix, not a bug:
 * whoever meets it reports it in one line (the CLI's {@code orchard: no space left on device at PATH}, a sweep's
 * failed status), and its stack traces, logged by every layer it passes, ran to hundreds of lines.
 */
public final class DiskFullLogFilter extends Filter<ILoggingEvent> {
    @Override
    public FilterReply decide(ILoggingEvent event) {
        IThrowableProxy proxy = event.getThrowableProxy();
        if (proxy instanceof ThrowableProxy p && DiskFullException.causedBy(p.getThrowable())) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
