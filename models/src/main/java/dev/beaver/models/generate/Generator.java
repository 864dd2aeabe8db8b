package dev.beaver.models.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.beaver.models.nn.AttentionMask;
import dev.beaver.models.nn.Decoder;
import dev.beaver.models.nn.KvCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Batched autoregressive generation with a key/value cache.
 *
 * <p>Prompts are left-padded to a common length; position ids count real tokens only, so a padded
 * row computes exactly what it would alone. Each sequence draws from its own random stream seeded
 * by {@code (seed, index)}, so results do not depend on batch composition. Finished rows leave the
 * batch (their cache rows are dropped), so a long tail costs only what is still running.
 *
 * <p>Not thread-safe: one generator per thread (the decoder's weights may be shared).
 */
public final class Generator {
  private final Decoder decoder;
  private final Set<Integer> eosIds;
  private final int padId;
  private final boolean useCache;

  /**
   * @param eosIds ids that end a sequence
   * @param padId id used to left-pad prompts (never attended to)
   * @param useCache false recomputes the whole sequence at every step (a reference for tests and
   *     benchmarks)
   */
  public Generator(Decoder decoder, Set<Integer> eosIds, int padId, boolean useCache) {
    this.decoder = decoder;
    this.eosIds = Set.copyOf(eosIds);
    this.padId = Math.max(padId, 0);
    this.useCache = useCache;
  }

  /** Generates one continuation per prompt. */
  public List<Generation> generate(NDManager parent, List<int[]> prompts, SamplingParams params) {
    return generate(parent, prompts, params, TokenListener.NONE);
  }

  /** Generates one continuation per prompt, telling {@code listener} each token as sampled. */
  public List<Generation> generate(NDManager parent, List<int[]> prompts, SamplingParams params,
      TokenListener listener) {
    int b = prompts.size();
    int promptLen = 0;
    for (int[] p : prompts) {
      if (p.length == 0) {
        throw new IllegalArgumentException("empty prompt: pass at least one token (e.g. BOS)");
      }
      promptLen = Math.max(promptLen, p.length);
    }
    int budget = Math.min(params.newTokenBudget(promptLen),
        decoder.config().maxPositions() - promptLen);
    int vocab = decoder.config().vocabSize();

    // Per-row state, indexed by original row.
    int[][] seq = new int[b][promptLen + Math.max(budget, 0)];
    int[] seqLen = new int[b];
    float[][] logProbs = new float[b][Math.max(budget, 0)];
    boolean[] eos = new boolean[b];
    SplittableRandom[] rng = new SplittableRandom[b];
    for (int r = 0; r < b; r++) {
      System.arraycopy(prompts.get(r), 0, seq[r], 0, prompts.get(r).length);
      seqLen[r] = prompts.get(r).length;
      rng[r] = new SplittableRandom(params.seed() * 0x9E3779B97F4A7C15L + r);
    }
    if (budget <= 0) {
      return collect(prompts, seq, seqLen, logProbs, eos);
    }

    // Active rows and their key masks over the cached columns (left padding, then tokens).
    int[] active = new int[b];
    for (int r = 0; r < b; r++) {
      active[r] = r;
    }
    boolean[][] keyMask = new boolean[b][promptLen];
    long[][] ids = new long[b][promptLen];
    for (int r = 0; r < b; r++) {
      int pad = promptLen - prompts.get(r).length;
      for (int t = 0; t < promptLen; t++) {
        keyMask[r][t] = t >= pad;
        ids[r][t] = t >= pad ? prompts.get(r)[t - pad] : padId;
      }
    }
    try (NDManager session = parent.newSubManager()) {
      KvCache cache = useCache ? new KvCache(session, decoder.config().numLayers()) : null;
      float[] logits = forward(session, cache, ids, keyMask, 0);
      for (int step = 0; step < budget; step++) {
        int n = active.length;
        int[] next = new int[n];
        boolean[] keep = new boolean[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
          int r = active[i];
          int tok = TokenSampler.pick(logits, i * vocab, vocab, seq[r], seqLen[r], params, rng[r]);
          logProbs[r][seqLen[r] - prompts.get(r).length] =
              (float) TokenSampler.logProb(logits, i * vocab, vocab, tok);
          seq[r][seqLen[r]++] = tok;
          next[i] = tok;
          eos[r] = eosIds.contains(tok);
          listener.onToken(r, tok);
          keep[i] = !eos[r];
          if (keep[i]) {
            kept++;
          }
        }
        if (kept == 0 || step == budget - 1) {
          break;
        }
        int cols = keyMask[0].length + 1;
        int[] stillActive = new int[kept];
        boolean[][] newMask = new boolean[kept][];
        long[][] newIds = new long[kept][];
        int[] selected = new int[kept];
        int j = 0;
        for (int i = 0; i < n; i++) {
          if (!keep[i]) {
            continue;
          }
          stillActive[j] = active[i];
          selected[j] = i;
          newMask[j] = Arrays.copyOf(keyMask[i], cols);
          newMask[j][cols - 1] = true;
          if (useCache) {
            newIds[j] = new long[] {next[i]};
          } else {
            newIds[j] = Arrays.copyOf(ids[i], cols);
            newIds[j][cols - 1] = next[i];
          }
          j++;
        }
        if (useCache && kept < n) {
          try (NDManager tmp = session.newSubManager()) {
            cache.selectRows(tmp.create(toLongs(selected)));
          }
        }
        active = stillActive;
        keyMask = newMask;
        ids = newIds;
        logits = forward(session, cache, ids, keyMask, useCache ? cols - 1 : 0);
      }
    }
    return collect(prompts, seq, seqLen, logProbs, eos);
  }

  /**
   * One forward pass over the new columns; returns the last position's logits, (n, V) flattened.
   *
   * @param past number of cached columns before {@code ids}
   */
  private float[] forward(NDManager session, KvCache cache, long[][] ids, boolean[][] keyMask,
      int past) {
    int n = ids.length;
    int t = ids[0].length;
    try (NDManager step = session.newSubManager()) {
      NDArray idArray = step.create(ids);
      long[][] pos = AttentionMask.positions(sliceFrom(keyMask, past), realBefore(keyMask, past));
      NDArray posArray = step.create(pos);
      NDArray bias = null;
      boolean anyPad = false;
      for (boolean[] row : keyMask) {
        for (boolean m : row) {
          anyPad |= !m;
        }
      }
      if (t > 1 || anyPad || decoder.config().slidingWindow() > 0) {
        float[] b = AttentionMask.bias(keyMask, past, t, decoder.config().slidingWindow());
        bias = step.create(b, new Shape(n, 1, 1, t, past + t));
      }
      NDArray hidden = decoder.forward(idArray, posArray, bias, cache);
      NDArray last = hidden.get(new NDIndex(":, -1:, :"));
      return decoder.logits(last).toFloatArray();
    }
  }

  private static boolean[][] sliceFrom(boolean[][] mask, int from) {
    boolean[][] out = new boolean[mask.length][];
    for (int r = 0; r < mask.length; r++) {
      out[r] = Arrays.copyOfRange(mask[r], from, mask[r].length);
    }
    return out;
  }

  private static int[] realBefore(boolean[][] mask, int upTo) {
    int[] out = new int[mask.length];
    for (int r = 0; r < mask.length; r++) {
      for (int t = 0; t < upTo; t++) {
        if (mask[r][t]) {
          out[r]++;
        }
      }
    }
    return out;
  }

  private static long[] toLongs(int[] a) {
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }

  private static List<Generation> collect(List<int[]> prompts, int[][] seq, int[] seqLen,
      float[][] logProbs, boolean[] eos) {
    List<Generation> out = new ArrayList<>(prompts.size());
    for (int r = 0; r < prompts.size(); r++) {
      int generated = seqLen[r] - prompts.get(r).length;
      out.add(new Generation(prompts.get(r).clone(), Arrays.copyOf(seq[r], seqLen[r]),
          Arrays.copyOf(logProbs[r], generated), eos[r]));
    }
    return out;
  }
}
