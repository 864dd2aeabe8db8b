package dev.beaver.app.demo;

import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises the log level of the actor system's chatty loggers (cluster membership, remoting,
 * weight transfers) to WARN for the demo, whose output should be its stages and progress bars.
 * Logback is a runtime-only dependency of the app, so the level is set reflectively; with another
 * SLF4J binding nothing changes.
 */
final class QuietLogs {
  private static final String[] CHATTY = {
    "org.apache.pekko", "dev.beaver.actors", "dev.beaver.rollout", "dev.beaver.learner.logging"
  };

  private QuietLogs() {}

  static void apply() {
    for (String name : CHATTY) {
      Logger logger = LoggerFactory.getLogger(name);
      try {
        Class<?> level = Class.forName("ch.qos.logback.classic.Level", true,
            logger.getClass().getClassLoader());
        Object warn = level.getField("WARN").get(null);
        Method set = logger.getClass().getMethod("setLevel", level);
        set.invoke(logger, warn);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return; // not logback: leave the configuration as it is
      }
    }
  }
}
