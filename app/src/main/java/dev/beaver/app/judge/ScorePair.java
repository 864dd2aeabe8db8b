package dev.beaver.app.judge;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The two scores on the first line of the judge's reply: Assistant 1 (red) then Assistant 2
 * (blue).
 *
 * <p>As upstream: only the first line counts, commas count as spaces, and it must hold exactly
 * two numbers. Upstream splits on single spaces, so {@code "8  9"} would fail there; here any run
 * of spaces or commas separates, a deliberate leniency. A reply that does not parse scores 0 and
 * 0 (upstream's fallback) and is counted as a parse failure. A leading blank line is skipped.
 */
record ScorePair(double score1, double score2) {
  static final ScorePair FAILED = new ScorePair(0, 0);
  /** A plain decimal; not Java's wider syntax ("1f", "NaN", hex). */
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");

  /** The scores of {@code reply}, or empty when its first line is not two numbers. */
  static Optional<ScorePair> parse(String reply) {
    if (reply == null) {
      return Optional.empty();
    }
    String first = reply.strip().split("\\R", 2)[0].strip();
    String[] parts = first.split("[\\s,]+");
    if (parts.length != 2) {
      return Optional.empty();
    }
    if (!NUMBER.matcher(parts[0]).matches() || !NUMBER.matcher(parts[1]).matches()) {
      return Optional.empty();
    }
    return Optional.of(new ScorePair(Double.parseDouble(parts[0]), Double.parseDouble(parts[1])));
  }
}
