package dev.beaver.app.demo;

/**
 * The sizes of a demo run: the default (about ten minutes on 2 cores) and {@code --quick}.
 *
 * @param pretrainStories stories of the pretraining corpus (one epoch)
 * @param sftStories request/story pairs of the SFT corpus (one epoch)
 * @param pairs preference pairs sampled from the SFT model
 * @param rlEpochs passes of each RL run over the 144 training requests
 * @param rlBatch prompts per RL step (steps = rlEpochs × ⌊144 / rlBatch⌋)
 * @param evalSamples samples in the evaluation (the 48 held-out requests, cycled)
 */
record DemoScale(int pretrainStories, int sftStories, int pairs, int rlEpochs, int rlBatch,
    int evalSamples) {
  static final DemoScale FULL = new DemoScale(12800, 6400, 1000, 8, 24, 144);
  static final DemoScale QUICK = new DemoScale(6400, 3200, 600, 6, 24, 96);
  /** For tests of the plumbing: runs in well under a minute, learns nothing. */
  static final DemoScale TINY = new DemoScale(32, 32, 8, 1, 72, 4);
}
