package dev.beaver.rollout;

import dev.beaver.learner.rl.RlSettings;
import dev.beaver.learner.rl.RlTrainer;
import java.util.ArrayList;
import java.util.List;

/**
 * The rounds of a run: every prompt batch of every epoch, in the in-process trainer's order, each
 * split into the micro-batches {@link RlTrainer#plan} gives (same chunks, same seeds).
 */
public final class RunPlan {
  /** One prompt batch of one epoch. */
  public record Round(int index, int epoch, int batchIndex, List<WorkItem> items) {}

  private final List<Round> rounds;
  private final int batchesPerEpoch;

  private RunPlan(List<Round> rounds, int batchesPerEpoch) {
    this.rounds = List.copyOf(rounds);
    this.batchesPerEpoch = batchesPerEpoch;
  }

  public static RunPlan of(RlSettings settings, List<List<int[]>> promptBatches) {
    List<Round> rounds = new ArrayList<>();
    for (int epoch = 0; epoch < settings.epochs(); epoch++) {
      for (int bi = 0; bi < promptBatches.size(); bi++) {
        int index = rounds.size();
        List<WorkItem> items = new ArrayList<>();
        for (RlTrainer.MicroBatchPlan p : RlTrainer.plan(settings, promptBatches.get(bi), epoch,
            bi)) {
          items.add(new WorkItem(index, items.size(), p.prompts().toArray(new int[0][]),
              p.params()));
        }
        rounds.add(new Round(index, epoch, bi, items));
      }
    }
    return new RunPlan(rounds, promptBatches.size());
  }

  /**
   * A plan from explicit rounds (tests, and jobs whose rounds are not RL prompt batches, such as
   * the arena's generation).
   */
  public static RunPlan ofRounds(List<Round> rounds, int batchesPerEpoch) {
    return new RunPlan(rounds, batchesPerEpoch);
  }

  public List<Round> rounds() {
    return rounds;
  }

  public int batchesPerEpoch() {
    return batchesPerEpoch;
  }

  /**
   * The round a run resumed from {@code state} starts with (its epoch and prompt batch); 0 for a
   * fresh run.
   */
  public int startRound(dev.beaver.learner.checkpoint.TrainerState state) {
    return state == null ? 0 : state.epoch() * batchesPerEpoch + state.batchInEpoch();
  }

  /** The largest number of micro-batches in one round (the buffer must hold a whole round). */
  public int maxItemsPerRound() {
    int max = 0;
    for (Round r : rounds) {
      max = Math.max(max, r.items().size());
    }
    return max;
  }
}
