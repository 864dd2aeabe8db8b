package dev.beaver.app.judge;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * When to try a judge request again and how long to wait first: exponential backoff with equal
 * jitter, unless the server says how long ({@code retry-after-ms}, or {@code Retry-After} in
 * seconds or as an HTTP date), which is honoured as given (up to {@link #MAX_SERVER_WAIT}).
 *
 * @param maxRetries attempts after the first
 * @param initial wait before the first retry (before jitter)
 * @param max longest backoff (before jitter)
 */
record RetryPolicy(int maxRetries, Duration initial, Duration max) {
  /** A server asking for more than this is still retried, after this long. */
  static final Duration MAX_SERVER_WAIT = Duration.ofMinutes(10);

  RetryPolicy {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("max_retries must be >= 0, was " + maxRetries);
    }
    if (initial.isNegative() || max.isNegative()) {
      throw new IllegalArgumentException("backoff must be >= 0");
    }
  }

  /** Rate limits, timeouts and server errors are worth retrying; other statuses are final. */
  static boolean retryable(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  /**
   * The wait before retry number {@code retry} (1 for the first).
   *
   * @param retryAfterMs the {@code retry-after-ms} header, if any
   * @param retryAfter the {@code Retry-After} header, if any
   * @param jitter uniform in [0, 1): the backoff is {@code d/2 + jitter·d/2}
   */
  Duration delay(int retry, Optional<String> retryAfterMs, Optional<String> retryAfter,
      Instant now, double jitter) {
    Optional<Duration> server = serverDelay(retryAfterMs, retryAfter, now);
    if (server.isPresent()) {
      Duration d = server.get();
      return d.compareTo(MAX_SERVER_WAIT) > 0 ? MAX_SERVER_WAIT : d;
    }
    long initialNanos = initial.toNanos();
    long capNanos = max.toNanos();
    // 2^(retry-1) without overflow: stop doubling at the cap.
    long d = initialNanos;
    for (int i = 1; i < retry && d < capNanos; i++) {
      d = d > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : d * 2;
    }
    d = Math.min(d, capNanos);
    return Duration.ofNanos(d / 2 + (long) (jitter * (d / 2)));
  }

  /** What the server asked for; a header that does not parse is ignored. */
  static Optional<Duration> serverDelay(Optional<String> retryAfterMs,
      Optional<String> retryAfter, Instant now) {
    if (retryAfterMs.isPresent()) {
      try {
        double ms = Double.parseDouble(retryAfterMs.get().strip());
        if (ms >= 0 && Double.isFinite(ms)) {
          return Optional.of(Duration.ofNanos((long) (ms * 1e6)));
        }
      } catch (NumberFormatException e) {
        // fall through to Retry-After
      }
    }
    if (retryAfter.isEmpty()) {
      return Optional.empty();
    }
    String v = retryAfter.get().strip();
    try {
      double seconds = Double.parseDouble(v);
      return seconds >= 0 && Double.isFinite(seconds)
          ? Optional.of(Duration.ofNanos((long) (seconds * 1e9))) : Optional.empty();
    } catch (NumberFormatException e) {
      // an HTTP date
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
