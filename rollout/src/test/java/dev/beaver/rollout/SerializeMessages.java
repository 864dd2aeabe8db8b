package dev.beaver.rollout;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.rl.Rollout;
import dev.beaver.models.generate.SamplingParams;
import java.time.Duration;

/**
 * Shared pieces of the protocol tests that run with {@code pekko.actor.serialize-messages = on}
 * ({@code application-serialize-messages.conf}): every {@link dev.beaver.actors.ClusterMessage}
 * a test or an actor sends is written and read back by the Kryo serializer before delivery, so a
 * received message is a copy, never the instance that was sent.
 */
final class SerializeMessages {
  private SerializeMessages() {}

  /** How long a probe waits to show that nothing arrives. */
  static final Duration QUIET = Duration.ofMillis(300);

  /** {@code application-test} with serialize-messages on, over every module's reference.conf. */
  static Config config() {
    return ConfigFactory.load("application-serialize-messages");
  }

  static SamplingParams params(long seed) {
    return new SamplingParams(1.0, 1.0, 0, 1.0, 6, 0, seed);
  }

  /** A one-row rollout of {@code version} with a 2-token prompt and 2 generated tokens. */
  static Rollout rollout(long version) {
    return new Rollout(new long[][] {{5, 6, 7, 8}}, new boolean[][] {{true, true, true, true}}, 1,
        new float[][] {{-1f, -2f, -3f}}, version);
  }

  /** A one-row scored experience whose end reward is {@code reward}. */
  static Experience experience(float reward) {
    Rollout r = rollout(0);
    return new Experience(r.inputIds(), r.attentionMask(), r.start(), r.logProbs(),
        new float[][] {{-1f, -1f, -1f}}, new float[] {reward}, null, null, null, 0);
  }
}
