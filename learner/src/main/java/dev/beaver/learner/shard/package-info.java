/**
 * The learner group's arithmetic, without actors: K data-parallel shards of an RL trainer with
 * sharded optimizer state (ZeRO stage 1).
 *
 * <ul>
 *   <li>Data: every shard gets the whole round (all micro-batches, all rows) and computes the
 *       same targets (shaped rewards, GAE, combined advantage) from it; shard j back-propagates
 *       rows {@code [⌊jB/K⌋, ⌊(j+1)B/K⌋)} of each micro-batch with its loss scaled by its share
 *       of the rows. safe-rlhf's losses are per-row masked means averaged over the batch, so the
 *       shards' gradients add up to the single learner's (gradient accumulation and the PTX/2
 *       split unchanged; PTX is back-propagated by rank 0 only).
 *   <li>Optimizer step ({@link dev.beaver.learner.shard.ShardedStep}): each model's flat
 *       parameter vector is cut into K balanced contiguous ranges ({@link
 *       dev.beaver.learner.shard.FlatPartition}); reduce-scatter of the gradients (summed in rank
 *       order), all-gather of the squared norms for global-norm clipping, a local AdamW step on
 *       the owned range with moments for that range only ({@link
 *       dev.beaver.learner.shard.ShardedAdamW}, the same float32 operations as {@code AdamW}),
 *       all-gather of the updated parameters. The three models' exchanges are pipelined.
 *   <li>λ: every shard feeds the round's episode costs into its own multiplier and runs the same
 *       deterministic update (simpler than broadcasting it, and equal to the bit); each step
 *       all-gathers λ with the norms and fails if the shards disagree. The leader's λ (and its
 *       window) is the one checkpointed and published.
 *   <li>Checkpoints keep the single learner's format: the sharded moments are gathered to the
 *       leader, which writes full {@code AdamW} states; on resume every shard keeps its range,
 *       so a checkpoint moves freely between K = 1 and any K.
 *   <li>Transport is a {@link dev.beaver.learner.shard.Collective}: {@link
 *       dev.beaver.learner.shard.LocalCollective} in one JVM, {@code
 *       dev.beaver.rollout.shard.ShardExchange} across nodes.
 * </ul>
 *
 * <p>Invariance (K = 1 vs K = 2 on stories260K, one PPO-Lag round): first-step gradients agree
 * to ~1e-6 relative (L2), parameters after two AdamW steps to a mean absolute difference of
 * ~1e-8 (AdamW's normalised first steps turn rounding noise in near-zero gradients into
 * differences of up to ~1e-4 for a handful of weights), λ exactly.
 */
package dev.beaver.learner.shard;
