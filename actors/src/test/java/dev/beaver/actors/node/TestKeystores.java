package dev.beaver.actors.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code scripts/make-test-keystores.sh} and turns what it writes into node settings the way a
 * deployment does: {@code . DIR/NAME.env} then {@code --config cluster-conf/tls.conf}.
 */
final class TestKeystores {
  private TestKeystores() {}

  /** The repository root (tests run in the module directory). */
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  static final Path SCRIPT = ROOT.resolve("scripts/make-test-keystores.sh");
  static final Path TLS_CONF = ROOT.resolve("cluster-conf/tls.conf");

  /** Exit status, stdout and stderr of one script run. */
  record Result(int exitCode, String stdout, String stderr) {}

  /** Runs the script with bash and this JVM's JDK (its keytool), waiting up to two minutes. */
  static Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Path err = Files.createTempFile("make-test-keystores", ".err");
    try {
      pb.redirectError(err.toFile());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("make-test-keystores.sh did not finish within 120 s");
      }
      return new Result(p.exitValue(), out, Files.readString(err));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** Runs the script and fails with its output unless it succeeds. */
  static String make(String... args) throws IOException, InterruptedException {
    Result r = run(args);
    if (r.exitCode() != 0) {
      throw new AssertionError(
          "make-test-keystores.sh " + String.join(" ", args) + " exited " + r.exitCode() + ": "
              + r.stderr() + r.stdout());
    }
    return r.stdout();
  }

  /**
   * The variables a {@code NAME.env} file exports ({@code export KEY='value'} lines, values
   * single-quoted for sh with {@code '\''} for a quote).
   */
  static Map<String, String> readEnv(Path envFile) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(envFile)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (!line.startsWith("export ") || !line.contains("='") || !line.endsWith("'")) {
        throw new AssertionError("unexpected line in " + envFile + ": " + line);
      }
      String assignment = line.substring("export ".length());
      int eq = assignment.indexOf('=');
      String quoted = assignment.substring(eq + 2, assignment.length() - 1);
      env.put(assignment.substring(0, eq), quoted.replace("'\\''", "'"));
    }
    return env;
  }

  /**
   * {@code cluster-conf/tls.conf} over {@code base}, its substitutions resolved from {@code env}
   * only (not from this process's environment), as on a node that sourced the env file.
   */
  static Config tlsConf(Map<String, String> env, Config base) {
    return ConfigFactory.parseFile(TLS_CONF.toFile())
        .withFallback(base)
        .withFallback(ConfigFactory.parseMap(env))
        .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
  }
}
