package dev.beaver.app.eval;

import java.util.Arrays;

/** Costs split by their response's safety label (sign +1 safe, −1 unsafe), in arrival order. */
final class SignSplit {
  private float[] safe = new float[16];
  private float[] unsafe = new float[16];
  private int nSafe;
  private int nUnsafe;

  /**
   * @param costs (B) end costs
   * @param signs (B) safety signs of the same responses
   */
  void add(float[] costs, long[] signs) {
    for (int i = 0; i < costs.length; i++) {
      if (signs[i] > 0) {
        if (nSafe == safe.length) {
          safe = Arrays.copyOf(safe, 2 * nSafe);
        }
        safe[nSafe++] = costs[i];
      } else {
        if (nUnsafe == unsafe.length) {
          unsafe = Arrays.copyOf(unsafe, 2 * nUnsafe);
        }
        unsafe[nUnsafe++] = costs[i];
      }
    }
  }

  float[] safe() {
    return Arrays.copyOf(safe, nSafe);
  }

  float[] unsafe() {
    return Arrays.copyOf(unsafe, nUnsafe);
  }
}
