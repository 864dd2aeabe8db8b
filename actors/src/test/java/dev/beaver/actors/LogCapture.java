package dev.beaver.actors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * Collects the log lines (message and causes) that reach the root logger while open, so a test can
 * check why something happened (e.g. a TLS handshake refused, a payload dropped). Only events
 * enabled by logback-test.xml arrive (WARN for Pekko).
 */
public final class LogCapture implements AutoCloseable {

  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
          StringBuilder sb = new StringBuilder();
          sb.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(" - ");
          sb.append(e.getFormattedMessage());
          for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
          }
          lines.add(sb.toString());
        }
      };

  public LogCapture() {
    appender.setName("test-capture-" + System.identityHashCode(this));
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  /** The lines captured so far. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** The captured lines containing {@code text}. */
  public List<String> containing(String text) {
    return lines.stream().filter(l -> l.contains(text)).toList();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
