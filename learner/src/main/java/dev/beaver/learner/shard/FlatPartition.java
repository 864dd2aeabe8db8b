package dev.beaver.learner.shard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model's parameters as one flat vector (the parameters in list order, each in row-major
 * order), cut into {@code K} contiguous ranges balanced by element count: rank {@code j} owns
 * elements {@code [lo(j), hi(j))} with {@code lo(j) = ⌊N·j/K⌋}. Ranges may cut through a
 * parameter; {@link #segments} lists the pieces of parameters a range covers.
 */
public final class FlatPartition {
  private final long[] offsets;
  private final int shards;

  /**
   * One piece of a parameter inside a range.
   *
   * @param param index of the parameter in the list
   * @param paramOffset first element of the piece inside the parameter
   * @param flatOffset first element of the piece in the flat vector
   * @param length elements in the piece
   */
  public record Segment(int param, int paramOffset, long flatOffset, int length) {}

  /**
   * @param sizes element count of each parameter, in order
   * @param shards K ≥ 1
   */
  public FlatPartition(long[] sizes, int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be >= 1, was " + shards);
    }
    this.shards = shards;
    this.offsets = new long[sizes.length + 1];
    for (int i = 0; i < sizes.length; i++) {
      if (sizes[i] < 0) {
        throw new IllegalArgumentException("negative size of parameter " + i);
      }
      offsets[i + 1] = offsets[i] + sizes[i];
    }
    if (total() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a flat vector holds at most 2^31 - 9 elements, this "
          + "model has " + total() + "; shard it per layer");
    }
  }

  /** Total elements N. */
  public long total() {
    return offsets[offsets.length - 1];
  }

  /** K. */
  public int shards() {
    return shards;
  }

  /** Number of parameters. */
  public int params() {
    return offsets.length - 1;
  }

  /** First flat element of parameter {@code i}. */
  public long paramOffset(int i) {
    return offsets[i];
  }

  /** Elements of parameter {@code i}. */
  public int paramSize(int i) {
    return (int) (offsets[i + 1] - offsets[i]);
  }

  /** First element of rank {@code j}'s range. */
  public int lo(int j) {
    return (int) (total() * j / shards);
  }

  /** One past the last element of rank {@code j}'s range. */
  public int hi(int j) {
    return lo(j + 1);
  }

  /** Elements of rank {@code j}'s range. */
  public int length(int j) {
    return hi(j) - lo(j);
  }

  /** The pieces of parameters in {@code [lo, hi)}, in order. */
  public List<Segment> segments(long lo, long hi) {
    List<Segment> out = new ArrayList<>();
    int i = Arrays.binarySearch(offsets, lo);
    i = i >= 0 ? i : -i - 2;
    for (; i < params() && offsets[i] < hi; i++) {
      long a = Math.max(lo, offsets[i]);
      long b = Math.min(hi, offsets[i + 1]);
      if (b > a) {
        out.add(new Segment(i, (int) (a - offsets[i]), a, (int) (b - a)));
      }
    }
    return out;
  }

  /** The pieces of parameters in rank {@code j}'s range. */
  public List<Segment> segments(int j) {
    return segments(lo(j), hi(j));
  }
}
