package dev.beaver.app.eval;

import com.google.gson.JsonObject;
import dev.beaver.data.DatasetKind;
import dev.beaver.data.PreferenceBatch;
import dev.beaver.data.PreferenceSample;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code beaver eval-reward}: safe-rlhf's {@code safe_rlhf.evaluate.reward}. */
@Command(name = "eval-reward", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Evaluates a reward model on preference pairs (safe-rlhf evaluate.reward).",
      "Scores the better and the worse response of every pair (prompt template + answer + EOS,"
          + " the end score) and writes to --output_dir:",
      "  scores.txt        'decoded text<TAB>score' per response, better then worse for each"
          + " pair (upstream's scores_<rank>.txt; one process here, and the file is replaced,"
          + " not appended to)",
      "  scores.npy        all 2N scores, float32, shape (2N,), per batch the B better then"
          + " the B worse",
      "  distribution.png  100-bin histogram of all scores",
      "  eval.json         the printed numbers plus counts, mean and std (Beaver's addition)",
      "Prints upstream's line 'accuracy: A, scores: S'. accuracy = fraction of pairs with"
          + " better > worse. Note the upstream quirk, reproduced: S is NOT the mean of all"
          + " scores but the mean over batches of the batch-mean score of the WORSE responses"
          + " (see score_mean in eval.json for the overall mean).",
      "Pairs are taken in dataset order (upstream shuffles with a DistributedSampler; the"
          + " numbers other than S do not depend on the order)."
    })
public final class EvalRewardCommand extends ScoreEvalCommand<PreferenceSample, PreferenceBatch> {
  private final PairEvalMetrics metrics = new PairEvalMetrics();

  public EvalRewardCommand() {
    super(DatasetKind.PREFERENCE);
  }

  @Override
  long[][] firstIds(PreferenceBatch batch) {
    return batch.betterInputIds();
  }

  @Override
  boolean[][] firstMask(PreferenceBatch batch) {
    return batch.betterAttentionMask();
  }

  @Override
  long[][] secondIds(PreferenceBatch batch) {
    return batch.worseInputIds();
  }

  @Override
  boolean[][] secondMask(PreferenceBatch batch) {
    return batch.worseAttentionMask();
  }

  @Override
  void accept(PreferenceBatch batch, float[] better, float[] worse) {
    metrics.addRewardBatch(better, worse);
  }

  @Override
  void finish(Path outputDir, float[] all, JsonObject summary, PrintWriter out) {
    summary.addProperty("accuracy", metrics.accuracy());
    summary.addProperty("scores", metrics.upstreamScores());
    summary.addProperty("scores_note", "upstream quirk: mean over batches of the worse responses'"
        + " batch-mean reward");
    out.println(String.format(Locale.ROOT, "accuracy: %.4f, scores: %s", metrics.accuracy(),
        pythonFloat(metrics.upstreamScores())));
  }
}
