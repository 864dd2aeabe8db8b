package dev.beaver.app.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beaver.app.Main;
import dev.beaver.models.SharedData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --dashboard} on a training command: the URL is printed at start; bad values exit 2. */
class DashboardFlagTest {
  @TempDir Path tmp;

  private static int run(StringWriter err, List<String> args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args.toArray(String[]::new));
  }

  private List<String> job(String... extra) throws Exception {
    String lm = SharedData.stories260k().toString();
    String cost = SharedData.requireOverridable("BEAVER_PARITY_DIR", "reference/parity")
        .resolve("llama-score").toString();
    Path prompts = tmp.resolve("prompts.jsonl");
    Files.write(prompts, List.of("{\"q\": \"Tell me about a cat.\"}",
        "{\"q\": \"Tell me about a dog.\"}"));
    List<String> args = new ArrayList<>(List.of("ppo-lag", "--actor_model_name_or_path", lm,
        "--reward_model_name_or_path", cost, "--cost_model_name_or_path", cost,
        "--train_datasets", "jsonl:1:" + prompts, "--column_map", "input=q",
        "--output_dir", tmp.resolve("out").toString(), "--max_length", "72",
        "--per_device_prompt_batch_size", "2", "--per_device_train_batch_size", "2",
        "--lambda_max", "5"));
    args.addAll(List.of(extra));
    return args;
  }

  @Test
  @Tag("slow")
  void shouldPrintTheDashboardUrlOfAJobWithTheFlagAndNoValue() throws Exception {
    // "--dashboard" without a value, followed by another flag: 127.0.0.1 and a free port.
    List<String> args = job();
    args.add(1, "--dashboard");
    StringWriter err = new StringWriter();
    assertEquals(0, run(err, args), err.toString());
    assertTrue(Pattern.compile("dashboard: http://127\\.0\\.0\\.1:\\d+/ \\(Prometheus")
        .matcher(err.toString()).find(), err.toString());
  }

  @Test
  void shouldRejectABadDashboardAddressAsACommandLineError() throws Exception {
    StringWriter err = new StringWriter();
    assertEquals(2, run(err, job("--dashboard", "localhost:http")), err.toString());
    assertTrue(err.toString().contains("--dashboard"), err.toString());
  }
}
