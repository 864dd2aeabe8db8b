package dev.beaver.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.beaver.models.CausalLm;
import dev.beaver.models.SharedData;
import dev.beaver.models.generate.SamplingParams;
import dev.beaver.models.tokenizer.PromptTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code beaver serve} in a separate JVM on a pseudo-terminal, so JLine drives a real terminal:
 * type a question, read the streamed answer, type {@code exit}. The pty comes from util-linux
 * {@code script}, else python3's {@code pty} module; without either the test is skipped.
 */
class ServePtyTest {
  private static final long DEADLINE_MS = 40_000;
  private static final String QUESTION = "Tell me a story.";
  private static final int NEW_TOKENS = 12;

  @Test
  void shouldChatThroughAPseudoTerminal() throws Exception {
    String model = SharedData.stories260k().toString();
    List<String> java = javaCommand("serve", "--model_name_or_path", model, "--temperature", "0",
        "--max_length", String.valueOf(NEW_TOKENS), "--stream");
    List<String> command = underPty(java);
    Assumptions.assumeTrue(command != null,
        "no pseudo-terminal tool: install util-linux 'script' or python3 to run this test");
    String answer = greedyAnswer(model);

    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    StringBuffer screen = new StringBuffer();
    Thread reader = new Thread(() -> copy(p.getInputStream(), screen), "pty-reader");
    reader.setDaemon(true);
    reader.start();
    long start = System.currentTimeMillis();
    try {
      OutputStream keys = p.getOutputStream();
      await(screen, s -> s.contains(ChatLoop.PROMPT), start, "the first prompt");
      keys.write((QUESTION + "\r").getBytes(StandardCharsets.UTF_8));
      keys.flush();
      String expected = ChatLoop.PROMPT + QUESTION + "\n[hf] " + answer + "\n" + ChatLoop.PROMPT;
      await(screen, s -> s.contains(expected), start, "the answer, then the prompt again");
      keys.write("exit\r".getBytes(StandardCharsets.UTF_8));
      keys.flush();
      assertTrue(p.waitFor(Math.max(1, DEADLINE_MS - (System.currentTimeMillis() - start)),
          TimeUnit.MILLISECONDS), "serve did not end after 'exit':\n" + plain(screen));
      assertEquals(0, p.exitValue(), plain(screen));
      String text = plain(screen);
      assertTrue(text.contains("Chatting with hf."), text);
      assertFalse(text.contains("Unable to create a system terminal"), text);
    } finally {
      p.destroyForcibly();
    }
  }

  /** The answer the model must stream: greedy, safe-rlhf template. */
  private static String greedyAnswer(String model) {
    try (NDManager m = NDManager.newBaseManager(); CausalLm lm = CausalLm.load(model, m)) {
      int[] ids = lm.tokenizer().encode(PromptTemplate.prompt(QUESTION));
      return lm.tokenizer().decode(lm.generate(m, List.of(ids),
          new SamplingParams(0, 1, 50, 1, NEW_TOKENS, 0, 42)).get(0).newIds(), true);
    }
  }

  /** This JVM's java running dev.beaver.app.Main on the test class path. */
  private static List<String> javaCommand(String... args) {
    String javaBin = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xss4m", "-Dai.djl.offline=true",
        "-Dai.djl.pytorch.num_interop_threads=1", "-Dai.djl.pytorch.num_threads=1",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "dev.beaver.app.Main"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** {@code command} wrapped to run on a new pseudo-terminal, or null without a tool for it. */
  private static List<String> underPty(List<String> command) {
    Path script = onPath("script");
    if (script != null) {
      StringBuilder sh = new StringBuilder("exec");
      for (String a : command) {
        sh.append(" '").append(a.replace("'", "'\\''")).append('\'');
      }
      // -q quiet, -f flush at once, -e the child's exit code; the typescript goes nowhere.
      return List.of(script.toString(), "-qfec", sh.toString(), "/dev/null");
    }
    Path python = onPath("python3");
    if (python != null) {
      List<String> cmd = new ArrayList<>(List.of(python.toString(), "-c",
          "import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))"));
      cmd.addAll(command);
      return cmd;
    }
    return null;
  }

  private static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static void copy(InputStream in, StringBuffer into) {
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        into.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  private static void await(StringBuffer screen, Predicate<String> seen, long start, String what)
      throws InterruptedException {
    while (!seen.test(plain(screen))) {
      if (System.currentTimeMillis() - start > DEADLINE_MS) {
        throw new AssertionError("no " + what + " within " + DEADLINE_MS + " ms; screen:\n"
            + plain(screen));
      }
      Thread.sleep(50);
    }
  }

  /** The screen without escape sequences and carriage returns. */
  private static String plain(StringBuffer screen) {
    return screen.toString()
        .replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "")
        .replaceAll("\u001b[=>]", "")
        .replace("\r", "");
  }
}
