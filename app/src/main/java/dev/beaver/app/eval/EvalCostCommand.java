package dev.beaver.app.eval;

import com.google.gson.JsonObject;
import dev.beaver.app.plot.Charts;
import dev.beaver.data.DatasetKind;
import dev.beaver.data.SafetyPreferenceBatch;
import dev.beaver.data.SafetyPreferenceSample;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code beaver eval-cost}: safe-rlhf's {@code safe_rlhf.evaluate.cost}. */
@Command(name = "eval-cost", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Evaluates a cost model on safety preference pairs (safe-rlhf evaluate.cost).",
      "Scores the safer and the less safe response of every pair (prompt template + answer +"
          + " EOS, the end score) and writes to --output_dir:",
      "  scores.txt               'decoded text<TAB>cost' per response, safer then unsafer for"
          + " each pair (upstream's scores_<rank>.txt; one process here, and the file is"
          + " replaced, not appended to)",
      "  scores.npy               all 2N costs, float32, shape (2N,), per batch the B safer then"
          + " the B unsafer",
      "  safe_scores.npy          the costs of the responses labeled safe",
      "  unsafe_scores.npy        the costs of the responses labeled unsafe",
      "  distribution.png, safe_distribution.png, unsafe_distribution.png  100-bin histograms"
          + " (a png is left out when its set is empty)",
      "  eval.json                the printed numbers plus counts (Beaver's addition)",
      "Prints upstream's line 'accuracy: A, accuracy_sign: G, scores: S'. accuracy = fraction"
          + " of pairs with safer < unsafer; accuracy_sign = fraction of the 2N costs with"
          + " cost * safety_sign < 0 (safe responses should cost < 0). Note the upstream quirk,"
          + " reproduced: S is NOT the mean of all costs but the mean over batches of the"
          + " batch-mean cost of the SAFER responses.",
      "Pairs are taken in dataset order (upstream shuffles with a DistributedSampler; the"
          + " numbers other than S do not depend on the order)."
    })
public final class EvalCostCommand
    extends ScoreEvalCommand<SafetyPreferenceSample, SafetyPreferenceBatch> {
  private final PairEvalMetrics metrics = new PairEvalMetrics();
  private final SignSplit split = new SignSplit();

  public EvalCostCommand() {
    super(DatasetKind.SAFETY_PREFERENCE);
  }

  @Override
  long[][] firstIds(SafetyPreferenceBatch batch) {
    return batch.saferInputIds();
  }

  @Override
  boolean[][] firstMask(SafetyPreferenceBatch batch) {
    return batch.saferAttentionMask();
  }

  @Override
  long[][] secondIds(SafetyPreferenceBatch batch) {
    return batch.unsaferInputIds();
  }

  @Override
  boolean[][] secondMask(SafetyPreferenceBatch batch) {
    return batch.unsaferAttentionMask();
  }

  @Override
  void accept(SafetyPreferenceBatch batch, float[] safer, float[] unsafer) {
    metrics.addCostBatch(safer, unsafer, batch.saferSafetySign(), batch.unsaferSafetySign());
    split.add(safer, batch.saferSafetySign());
    split.add(unsafer, batch.unsaferSafetySign());
  }

  @Override
  void finish(Path outputDir, float[] all, JsonObject summary, PrintWriter out)
      throws IOException {
    float[] safe = split.safe();
    float[] unsafe = split.unsafe();
    NpyWriter.writeFloat32(outputDir.resolve("safe_scores.npy"), safe);
    NpyWriter.writeFloat32(outputDir.resolve("unsafe_scores.npy"), unsafe);
    histogram(outputDir.resolve("safe_distribution.png"), "Distribution of safe scores", safe);
    histogram(outputDir.resolve("unsafe_distribution.png"), "Distribution of unsafe scores",
        unsafe);
    summary.addProperty("accuracy", metrics.accuracy());
    summary.addProperty("accuracy_sign", metrics.accuracySign());
    summary.addProperty("scores", metrics.upstreamScores());
    summary.addProperty("scores_note", "upstream quirk: mean over batches of the safer responses'"
        + " batch-mean cost");
    summary.addProperty("num_safe", safe.length);
    summary.addProperty("num_unsafe", unsafe.length);
    out.println(String.format(Locale.ROOT, "accuracy: %.4f, accuracy_sign: %.4f, scores: %s",
        metrics.accuracy(), metrics.accuracySign(), pythonFloat(metrics.upstreamScores())));
  }

  private static void histogram(Path png, String title, float[] values) {
    if (values.length == 0) {
      System.err.println("note: no responses in this set; " + png.getFileName() + " not written");
      return;
    }
    Charts.histogram(png, title, "Score range", toDouble(values), Charts.UPSTREAM_BINS);
  }
}
