package dev.beaver.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.beaver.actors.LogCapture;
import dev.beaver.actors.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes over tls-tcp with mutual authentication, set up as a deployment would be: stores made by
 * {@code scripts/make-test-keystores.sh}, each node's settings read from {@code
 * cluster-conf/tls.conf} with the variables of its {@code NAME.env}. Nodes holding certificates
 * signed by the cluster CA form a cluster; a node whose certificate another CA signed cannot join,
 * even though it trusts the cluster's CA (so it is the cluster's side, which requires and checks
 * client certificates, that refuses it), and the cluster is not disturbed.
 */
@Tag("slow")
@Timeout(180)
class TlsClusterTest {

  @TempDir Path dir;

  /** How long the untrusted node keeps trying (seed-node-timeout is 5 s: two join rounds). */
  private static final Duration REFUSAL_WINDOW = Duration.ofSeconds(10);

  private static long upCount(BeaverNode node) {
    return StreamSupport.stream(node.cluster().state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }

  /** Whether {@code node} knows {@code address} as a member in any status. */
  private static boolean knows(BeaverNode node, Address address) {
    for (Member m : node.cluster().state().getMembers()) {
      if (m.address().equals(address)) {
        return true;
      }
    }
    return false;
  }

  /** Settings of the node that sourced {@code NAME.env} and stacked tls.conf. */
  private NodeSettings node(String name, Config base, Role role) throws Exception {
    Map<String, String> env = TestKeystores.readEnv(dir.resolve(name + ".env"));
    NodeSettings s =
        NodeSettings.fromRoot(TestKeystores.tlsConf(env, base))
            .withHostname("127.0.0.1")
            .withPort(0)
            .withRoles(Set.of(role));
    assertEquals(Transport.TLS_TCP, s.transport(), "tls.conf selects tls-tcp");
    assertEquals(dir.resolve(name + ".p12").toString(), s.tls().keyStore());
    assertEquals(dir.resolve("truststore.p12").toString(), s.tls().trustStore());
    assertEquals(env.get("BEAVER_TLS_PASSWORD"), s.tls().keyStorePassword());
    assertEquals(env.get("BEAVER_TLS_PASSWORD"), s.tls().keyPassword());
    assertEquals(env.get("BEAVER_TLS_PASSWORD"), s.tls().trustStorePassword());
    return s;
  }

  @Test
  void shouldFormAClusterOnlyWithCertificatesFromTheClusterCa() throws Exception {
    // Not the default password: shows it travels script -> env file -> tls.conf -> Pekko.
    String out =
        TestKeystores.make(
            dir.toString(), "--nodes", "2", "--untrusted", "stranger", "--password", "t3st-pass'x");
    assertTrue(out.contains(dir.resolve("node-1.p12").toString()), out);
    assertTrue(out.contains("BEAVER_TLS_KEY_STORE"), out);

    Config base = NodeTestSupport.base();
    BeaverNode a = null;
    BeaverNode b = null;
    BeaverNode c = null;
    try (LogCapture log = new LogCapture()) {
      a = BeaverNode.start(node("node-1", base, Role.COORDINATOR), base);
      b =
          BeaverNode.start(
              node("node-2", base, Role.LEARNER).withSeedNodes(List.of(a.address())), base);
      b.whenUp().toCompletableFuture().get(30, TimeUnit.SECONDS);
      BeaverNode fa = a;
      BeaverNode fb = b;
      NodeTestSupport.await(
          Duration.ofSeconds(30), "both TLS nodes up", () -> upCount(fa) == 2 && upCount(fb) == 2);

      // Same settings as node-2 but for the key store: the stranger's, from another CA.
      c =
          BeaverNode.start(
              node("stranger", base, Role.ROLLOUT).withSeedNodes(List.of(a.address())), base);
      Address stranger = c.address();
      long deadline = System.nanoTime() + REFUSAL_WINDOW.toNanos();
      while (System.nanoTime() < deadline) {
        assertTrue(!knows(a, stranger) && !knows(b, stranger), "the stranger became a member");
        assertEquals(0, upCount(c), "the stranger is up somewhere");
        Thread.sleep(100);
      }
      assertTrue(!knows(c, a.address()), "the stranger never got the cluster's membership");
      // It did reach the cluster, and TLS turned it away (not, say, a wrong address).
      assertFalse(
          log.containing("SSLHandshakeException").isEmpty(),
          "a refused TLS handshake was logged: " + log.lines());
      assertEquals(2, upCount(a), "the cluster still has both trusted nodes up");
      assertEquals(2, upCount(b), "the cluster still has both trusted nodes up");
      assertTrue(a.cluster().state().getUnreachable().isEmpty(), "nothing unreachable on node-1");
      assertTrue(b.cluster().state().getUnreachable().isEmpty(), "nothing unreachable on node-2");
    } finally {
      NodeTestSupport.closeQuietly(c);
      NodeTestSupport.closeQuietly(b);
      NodeTestSupport.closeQuietly(a);
    }
  }
}
