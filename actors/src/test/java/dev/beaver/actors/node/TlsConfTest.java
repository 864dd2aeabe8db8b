package dev.beaver.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code cluster-conf/tls.conf} reads from the environment, and how {@code
 * scripts/make-test-keystores.sh} treats bad input and existing stores (no keytool run needed).
 * {@link TlsClusterTest} runs the script for real and starts nodes with its stores.
 */
class TlsConfTest {

  @TempDir Path dir;

  private static TlsSettings tls(Map<String, String> env) {
    return NodeSettings.fromRoot(TestKeystores.tlsConf(env, ConfigFactory.load())).tls();
  }

  @Test
  void shouldReadStoresAndOnePasswordFromTheEnvironment() {
    TlsSettings t =
        tls(
            Map.of(
                "BEAVER_TLS_KEY_STORE", "/k.p12",
                "BEAVER_TLS_TRUST_STORE", "/t.p12",
                "BEAVER_TLS_PASSWORD", "secret"));
    assertEquals(
        new TlsSettings("/k.p12", "secret", "secret", "/t.p12", "secret", "TLSv1.3", false), t);
  }

  @Test
  void shouldLetPerStorePasswordsOverrideTheSharedOne() {
    TlsSettings t =
        tls(
            Map.of(
                "BEAVER_TLS_PASSWORD", "shared",
                "BEAVER_TLS_KEY_STORE_PASSWORD", "ks",
                "BEAVER_TLS_TRUST_STORE_PASSWORD", "ts"));
    assertEquals("ks", t.keyStorePassword());
    assertEquals("ks", t.keyPassword(), "the key password defaults to the key store's");
    assertEquals("ts", t.trustStorePassword());
    assertEquals("kp", tls(Map.of("BEAVER_TLS_KEY_PASSWORD", "kp")).keyPassword());
  }

  @Test
  void shouldLeaveStoresEmptyWithoutTheEnvironmentSoStartingFailsClearly() {
    TlsSettings t = tls(Map.of());
    assertEquals("", t.keyStore());
    assertEquals("", t.trustStore());
    assertEquals("", t.keyStorePassword());
  }

  @Test
  void scriptShouldRejectBadArgumentsWithExitTwoAndOneLine() throws Exception {
    List<List<String>> bad =
        List.of(
            List.of(),
            List.of(dir.toString(), "--nodes", "0"),
            List.of(dir.toString(), "--nodes", "x"),
            List.of(dir.toString(), "--password", "short"),
            List.of(dir.toString(), "--untrusted", "node-1"),
            List.of(dir.toString(), "--untrusted", "../evil"),
            List.of(dir.toString(), "--validity", "-1"),
            List.of(dir.toString(), "--bogus"),
            List.of(dir.toString(), dir.resolve("second").toString()));
    for (List<String> args : bad) {
      TestKeystores.Result r = TestKeystores.run(args.toArray(String[]::new));
      assertEquals(2, r.exitCode(), args + ": " + r.stderr());
      assertEquals(1, r.stderr().lines().count(), args + ": " + r.stderr());
      assertTrue(r.stderr().startsWith("make-test-keystores: "), r.stderr());
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "nothing written on bad input");
    }
  }

  @Test
  void scriptShouldRefuseToOverwriteAStoreWithoutForce() throws Exception {
    Path ca = dir.resolve("ca.p12");
    Files.writeString(ca, "not a store", StandardCharsets.UTF_8);
    TestKeystores.Result r = TestKeystores.run(dir.toString());
    assertEquals(1, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains(ca + " exists"), r.stderr());
    assertTrue(r.stderr().contains("--force"), r.stderr());
    assertEquals("not a store", Files.readString(ca), "left as it was");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(ca), files.toList(), "nothing else written");
    }
    assertFalse(r.stdout().contains("truststore.p12"));
  }

  @Test
  void scriptShouldPrintUsage() throws Exception {
    TestKeystores.Result r = TestKeystores.run("--help");
    assertEquals(0, r.exitCode());
    assertTrue(r.stdout().contains("--untrusted NAME"), r.stdout());
    assertTrue(r.stdout().contains("BEAVER_TLS_KEY_STORE"), r.stdout());
  }
}
