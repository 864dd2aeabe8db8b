/**
 * The learner group over the cluster: K learner shards (one per learner node or JVM), each a
 * full replica of the actor and the critics, training data-parallel with sharded AdamW state
 * ({@code dev.beaver.learner.shard}).
 *
 * <ul>
 *   <li>{@link dev.beaver.rollout.shard.ShardExchange}: a shard's end of the group's collective
 *       operations. Slices up to 192 KiB travel as Kryo messages ({@link
 *       dev.beaver.rollout.shard.ShardExchange.Slice}); larger ones are encoded ({@link
 *       dev.beaver.rollout.shard.ShardCodec}) and sent through the chunked transfer to the
 *       peer's top-level {@code /user/chunks-learner-shard-<rank>} receiver (Artery's
 *       large-message lane). It runs on an ordinary dispatcher; the learner thread blocks only
 *       on futures it completes.
 *   <li>{@link dev.beaver.rollout.shard.ShardEndpoint}: starts a shard's exchange, forwarder and
 *       receiver on a node and builds the {@link dev.beaver.rollout.shard.ShardExchange.Peers}
 *       message.
 *   <li>{@link dev.beaver.rollout.shard.LearnerShard}: a follower (ranks 1..K−1) driven by
 *       {@link dev.beaver.rollout.shard.LearnerShard.RoundItem}s (delivered by its node's
 *       exchange), on the pinned learner dispatcher.
 *   <li>{@link dev.beaver.rollout.shard.LearnerGroup}: the leader's replacement for {@code
 *       trainer.trainBatch(...)}.
 *   <li>{@link dev.beaver.rollout.shard.ShardKryoRegistrar}: ids 300–349, named in this
 *       module's {@code reference.conf} as {@code beaver.kryo.registrars.learner-group}.
 * </ul>
 *
 * <p>How jobs use the group ({@code --learner_nodes K}; {@code cluster.NodeAgent} and {@code
 * cluster.JobDriver} do these steps):
 *
 * <ol>
 *   <li>On every learner node r: {@code ShardEndpoint.start(spawner, r, K, transfer, ...)} (the
 *       node agent's children, under {@code /user/agent/chunks-*}, the large-message lane); send
 *       every endpoint the group's {@code ShardEndpoint.peers(...)} (refs in rank order, as seen
 *       from anywhere).
 *   <li>On every learner node: load the actor and critics (same initial weights everywhere),
 *       build {@code new RlTrainer(..., listener, new ShardedStep(ShardExchange.collective(
 *       exchange, r, K), timeout))}. Rank 0 is the pipeline's learner: its {@code LearnerActor}
 *       keeps the trainer and calls {@code begin} as today. Ranks 1..K−1: spawn {@code
 *       LearnerShard.create(trainer, batchesPerEpoch, resume, exchange)} on {@code
 *       beaver.rollout.learner-dispatcher} (it attaches itself to its node's exchange), with a
 *       listener that drops metrics.
 *   <li>In the leader's round handler replace {@code models.trainer().trainBatch(scored,
 *       weights, ...)} by {@code group.trainBatch(scored, weights, ...)} with {@code group = new
 *       LearnerGroup(trainer, exchangeOfRank0)}: the followers get the same scored micro-batches
 *       through the exchanges (critic values and proximal log-probs computed once, by the
 *       leader; one Kryo message each, or the chunked transfer above 192 KiB) and every shard
 *       trains them; when it returns the leader's parameters are the group's, and it publishes
 *       them as today. Eval and checkpoints stay on the leader; every shard reaches the same
 *       save steps (the optimizer state is gathered there).
 *   <li>Watch the followers. A node that dies or leaves, or an exchange that stops, fails the
 *       other shards' pending and later exchanges at once (exchanges watch their peers); a
 *       follower actor that fails while its node lives makes them fail after the {@code
 *       ShardedStep} timeout. The run then resumes from the last checkpoint (which has the
 *       single learner's format, so it may even resume with another K).
 * </ol>
 */
package dev.beaver.rollout.shard;
