package dev.beaver.app.eval;

import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.beaver.app.plot.Charts;
import dev.beaver.app.train.TrainingSession;
import dev.beaver.data.DatasetKind;
import dev.beaver.data.TokenizedDataset;
import dev.beaver.learner.train.Batches;
import dev.beaver.learner.train.ScoreForward;
import dev.beaver.models.InvalidInputException;
import dev.beaver.models.ScoreModel;
import dev.beaver.models.tokenizer.Tokenizer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What {@code beaver eval-reward} and {@code eval-cost} share (safe-rlhf {@code evaluate.reward}
 * / {@code evaluate.cost}, reference §6): load a score model and the pair datasets with the
 * training commands' dataset code, score both halves of every batch in one 2B-row forward pass
 * (no gradient, no normaliser update: the trainers' {@link ScoreForward}), and write the
 * per-response text and score lines, {@code scores.npy} and the histogram.
 *
 * @param <S> the tokenized pair sample
 * @param <B> the pair batch
 */
abstract class ScoreEvalCommand<S, B> implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ScoreEvalOptions opts;

  private final DatasetKind<S, B> kind;

  ScoreEvalCommand(DatasetKind<S, B> kind) {
    this.kind = kind;
  }

  /** (B, L) ids and masks of the first half (better / safer) and the second. */
  abstract long[][] firstIds(B batch);

  abstract boolean[][] firstMask(B batch);

  abstract long[][] secondIds(B batch);

  abstract boolean[][] secondMask(B batch);

  /**
   * Takes one batch's end scores.
   *
   * @param first (B) end scores of the first half
   * @param second (B) end scores of the second half
   */
  abstract void accept(B batch, float[] first, float[] second);

  /** Writes the command's own files and prints its summary line; {@code all} is (2N). */
  abstract void finish(Path outputDir, float[] all, JsonObject summary, PrintWriter out)
      throws IOException;

  @Override
  public Integer call() throws IOException {
    if (opts.batchSize < 1) {
      throw new ParameterException(spec.commandLine(),
          "--per_device_eval_batch_size must be >= 1, was " + opts.batchSize);
    }
    if (opts.maxLength < 2) {
      throw new ParameterException(spec.commandLine(), "--max_length must be >= 2, was " + opts.maxLength);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (NDManager manager = NDManager.newBaseManager();
        ScoreModel model = ScoreModel.load(opts.model, manager)) {
      Tokenizer tok = model.tokenizer();
      TokenizedDataset<S, B> data =
          TrainingSession.loadDatasets(kind, tok, opts.asDatasetOptions()).train();
      if (data.size() == 0) {
        throw new InvalidInputException("--datasets " + String.join(" ", opts.datasets)
            + " selected no samples; give a larger proportion or another dataset");
      }
      List<B> batches = Batches.inOrder(data, opts.batchSize);
      Files.createDirectories(opts.outputDir);
      float[] all = new float[2 * data.size()];
      int at = 0;
      // One process here, so upstream's scores_<rank>.txt is scores.txt (replaced, not appended).
      try (BufferedWriter text = Files.newBufferedWriter(opts.outputDir.resolve("scores.txt"),
          StandardCharsets.UTF_8)) {
        for (B batch : batches) {
          float[] end;
          try (NDManager step = manager.newSubManager()) {
            end = ScoreForward.run(model, step, stack(firstIds(batch), secondIds(batch)),
                stack(firstMask(batch), secondMask(batch)), false).endScores().toFloatArray();
          }
          int b = firstIds(batch).length;
          float[] first = Arrays.copyOfRange(end, 0, b);
          float[] second = Arrays.copyOfRange(end, b, 2 * b);
          for (int i = 0; i < b; i++) {
            writeLine(text, tok, firstIds(batch)[i], firstMask(batch)[i], first[i]);
            writeLine(text, tok, secondIds(batch)[i], secondMask(batch)[i], second[i]);
          }
          accept(batch, first, second);
          System.arraycopy(end, 0, all, at, end.length); // upstream's storage order
          at += end.length;
        }
      }
      NpyWriter.writeFloat32(opts.outputDir.resolve("scores.npy"), all);
      Charts.histogram(opts.outputDir.resolve("distribution.png"), "Distribution of scores",
          "Score range", toDouble(all), Charts.UPSTREAM_BINS);
      JsonObject summary = new JsonObject();
      summary.addProperty("model_name_or_path", opts.model);
      summary.addProperty("score_type", model.scoreConfig().scoreType().key());
      summary.addProperty("num_pairs", data.size());
      summary.addProperty("num_scores", all.length);
      summary.addProperty("num_batches", batches.size());
      double[] ms = meanStd(all);
      summary.addProperty("score_mean", ms[0]);
      summary.addProperty("score_std", ms[1]);
      finish(opts.outputDir, all, summary, out);
      Files.writeString(opts.outputDir.resolve("eval.json"),
          new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
              .disableHtmlEscaping().create().toJson(summary) + "\n");
      out.flush();
    }
    return 0;
  }

  /** {@code decoded text\tscore}, the text without special tokens and with newlines as spaces. */
  private static void writeLine(BufferedWriter w, Tokenizer tok, long[] ids, boolean[] mask,
      float score) {
    int n = 0;
    int[] real = new int[ids.length];
    for (int t = 0; t < ids.length; t++) {
      if (mask[t]) {
        real[n++] = (int) ids[t];
      }
    }
    String text = tok.decode(Arrays.copyOf(real, n), true).replace('\n', ' ');
    try {
      w.write(text + "\t" + pythonFloat(score) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A float32 printed as Python prints {@code tensor.item()} (the value as a double). */
  static String pythonFloat(float f) {
    if (Float.isNaN(f)) {
      return "nan";
    }
    if (Float.isInfinite(f)) {
      return f > 0 ? "inf" : "-inf";
    }
    return Double.toString(f);
  }

  static long[][] stack(long[][] a, long[][] b) {
    long[][] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static boolean[][] stack(boolean[][] a, boolean[][] b) {
    boolean[][] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /** Mean and unbiased standard deviation (NaN for fewer than two values). */
  static double[] meanStd(float[] x) {
    double sum = 0;
    for (float v : x) {
      sum += v;
    }
    double mean = sum / x.length;
    double sq = 0;
    for (float v : x) {
      sq += (v - mean) * (v - mean);
    }
    return new double[] {mean, x.length > 1 ? Math.sqrt(sq / (x.length - 1)) : Double.NaN};
  }
}
