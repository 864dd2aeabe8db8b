package dev.beaver.actors.monitor;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Processing times in fixed logarithmic buckets, four per power of two (bucket width ≤ 19% of
 * its lower bound), from 1 ns to about 2^42 ns (73 minutes; longer times land in the last
 * bucket). Recording is one array increment, no allocation; one writer (the actor's thread) and
 * any number of readers. A quantile is the midpoint of the bucket that holds it, so it is within
 * about ±10% of the exact value.
 */
public final class LatencyHistogram {
  /** Sub-buckets per power of two. */
  static final int SUB = 4;
  static final int MAX_EXPONENT = 42;
  static final int BUCKETS = (MAX_EXPONENT + 1) * SUB;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  /** Records one duration in nanoseconds (negative values count as 0). */
  public void record(long nanos) {
    counts.incrementAndGet(index(nanos));
  }

  /** The bucket of {@code nanos}: exponent·4 + the two bits after the leading one. */
  static int index(long nanos) {
    if (nanos < SUB) {
      return (int) Math.max(nanos, 0);
    }
    int exponent = 63 - Long.numberOfLeadingZeros(nanos);
    if (exponent > MAX_EXPONENT) {
      return BUCKETS - 1;
    }
    int sub = (int) (nanos >>> (exponent - 2)) & (SUB - 1);
    return exponent * SUB + sub;
  }

  /** The smallest value of bucket {@code i} in nanoseconds. */
  static double lowerBound(int i) {
    if (i < SUB) {
      return i;
    }
    int exponent = i / SUB;
    int sub = i % SUB;
    return (double) (SUB + sub) * (1L << (exponent - 2));
  }

  /** One past the largest value of bucket {@code i} in nanoseconds. */
  static double upperBound(int i) {
    return i < SUB ? i + 1 : lowerBound(i + 1);
  }

  /** A copy of the bucket counts (readers take deltas between two copies). */
  public long[] counts() {
    long[] out = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      out[i] = counts.get(i);
    }
    return out;
  }

  /**
   * The {@code q} quantile (0 < q ≤ 1) of {@code counts} in nanoseconds: the midpoint of the
   * bucket holding it; NaN when the counts are empty.
   */
  public static double quantile(long[] counts, double q) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return (lowerBound(i) + upperBound(i)) / 2;
      }
    }
    return upperBound(counts.length - 1);
  }

  /** {@code now - before}, bucket by bucket. */
  static long[] minus(long[] now, long[] before) {
    long[] out = new long[now.length];
    for (int i = 0; i < now.length; i++) {
      out[i] = now[i] - (before == null ? 0 : before[i]);
    }
    return out;
  }
}
