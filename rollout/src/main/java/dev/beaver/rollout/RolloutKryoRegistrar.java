package dev.beaver.rollout;

import dev.beaver.actors.serialization.KryoRegistrar;
import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.rl.Rollout;
import dev.beaver.models.generate.SamplingParams;
import dev.beaver.rollout.cluster.JobEvent;
import dev.beaver.rollout.cluster.JobSpec;
import dev.beaver.rollout.cluster.NodeAgent;

/**
 * The cluster messages of the rollout pipeline, ids 200–299. Append only: never renumber or reuse
 * an id (it is the wire format). Weights are not here: across nodes they travel through the
 * chunked transfer ({@link WeightsCodec}), never as one message.
 */
public final class RolloutKryoRegistrar implements KryoRegistrar {

  @Override
  public int firstId() {
    return 200;
  }

  @Override
  public int lastId() {
    return 299;
  }

  @Override
  public void register(Registrations r) {
    // Nested types.
    r.type(200, int[][].class);
    r.type(201, long[][].class);
    r.type(202, boolean[][].class);
    r.type(203, float[][].class);
    r.type(204, SamplingParams.class);
    r.type(205, WorkItem.class);
    r.type(206, Rollout.class);
    r.type(207, Experience.class);
    r.type(208, JobSpec.class);
    // Messages.
    r.message(220, Coordinator.RequestWork.class);
    r.message(221, Coordinator.LearnerAdvanced.class);
    r.message(222, RolloutWorker.Generate.class);
    r.message(223, Scorer.Score.class);
    r.message(224, ExperienceBuffer.Add.class);
    // Job protocol (driver ↔ node agents).
    r.message(225, NodeAgent.StartLearner.class);
    r.message(226, NodeAgent.StartScorer.class);
    r.message(227, NodeAgent.StartWorkers.class);
    r.message(228, NodeAgent.BeginLearning.class);
    r.message(229, NodeAgent.EndJob.class);
    r.message(230, JobEvent.LearnerReady.class);
    r.message(231, JobEvent.ScorerReady.class);
    r.message(232, JobEvent.WorkersReady.class);
    r.message(233, JobEvent.JobFinished.class);
    r.message(234, JobEvent.JobFailed.class);
    // Fault tolerance.
    r.message(235, Coordinator.Stored.class);
    r.message(236, Coordinator.AddScorer.class);
    r.message(237, Coordinator.WorkerStalled.class);
    r.message(238, NodeAgent.RestartWorker.class);
    r.message(239, NodeAgent.AddWeightsReceiver.class);
  }
}
