package dev.beaver.actors.monitor;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of {@code beaver.monitor} (reference.conf documents every key).
 *
 * @param enabled whether Beaver's actors are instrumented
 * @param reportInterval how often a node sends its snapshot (also the window of windowed figures)
 * @param maxBufferedSteps training steps a node keeps until an aggregator takes them
 * @param maxBufferedSamples recent samples a node keeps until an aggregator takes them
 * @param maxSampleChars characters of a sample's prompt and response that travel
 * @param sampleInterval a scorer decodes at most one sample per interval
 */
public record MonitorSettings(boolean enabled, Duration reportInterval, int maxBufferedSteps,
    int maxBufferedSamples, int maxSampleChars, Duration sampleInterval) {
  public MonitorSettings {
    if (reportInterval.toMillis() < 100) {
      throw new IllegalArgumentException("beaver.monitor.report-interval must be >= 100ms, was "
          + reportInterval);
    }
    if (maxBufferedSteps < 1 || maxBufferedSamples < 1 || maxSampleChars < 16) {
      throw new IllegalArgumentException("beaver.monitor buffers must be >= 1 and"
          + " max-sample-chars >= 16");
    }
  }

  /** Reads {@code beaver.monitor} from the root configuration. */
  public static MonitorSettings fromRoot(Config root) {
    Config c = root.getConfig("beaver.monitor");
    return new MonitorSettings(c.getBoolean("enabled"), c.getDuration("report-interval"),
        c.getInt("max-buffered-steps"), c.getInt("max-buffered-samples"),
        c.getInt("max-sample-chars"), c.getDuration("sample-interval"));
  }
}
