package dev.beaver.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beaver.app.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * scripts/sft.sh, reward-model.sh, cost-model.sh and dpo.sh run with a stand-in {@code beaver}
 * that records its arguments: the output folder is prepared as upstream's scripts prepare it,
 * and the recorded command line parses with the real commands, the caller's flags winning.
 */
class SupervisedWrapperScriptsTest {
  @TempDir Path tmp;

  private static final Path SCRIPTS = Path.of("..", "scripts").toAbsolutePath().normalize();

  @ParameterizedTest
  @CsvSource({
    "sft.sh, sft, alpaca, 0.0, 2e-5",
    "reward-model.sh, rm, PKU-SafeRLHF/train, 0.1, 2e-5",
    "cost-model.sh, cm, PKU-SafeRLHF/train, 0.1, 2e-5",
    "dpo.sh, dpo, PKU-SafeRLHF/train, 0.05, 1e-6",
  })
  void shouldPrepareTheOutputAndPassTheAuthorsValuesThenTheCallersFlags(String script,
      String stage, String trainDataset, double weightDecay, double lr)
      throws IOException, InterruptedException {
    Path root = tmp.resolve("repo");
    Files.createDirectories(root.resolve("scripts"));
    for (String f : List.of(script, "supervised-wrapper.inc.sh")) {
      Files.copy(SCRIPTS.resolve(f), root.resolve("scripts").resolve(f),
          StandardCopyOption.COPY_ATTRIBUTES);
    }
    Path argsFile = tmp.resolve("args.txt");
    Path stub = root.resolve("scripts/beaver");
    Files.writeString(stub, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > '" + argsFile
        + "'\necho started\necho progress >&2\n");
    Files.setPosixFilePermissions(stub, Set.of(
        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
        java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE));
    Path out = tmp.resolve("out");
    Process p = new ProcessBuilder("bash", root.resolve("scripts").resolve(script).toString(),
        "--model_name_or_path", "some/model", "--output_dir", out.toString(),
        "--max_length", "128", "--epochs", "1")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("script.log").toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script did not finish");
    assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("script.log")));

    assertEquals("*", Files.readString(out.resolve(".gitignore")).strip());
    assertEquals(Files.readString(SCRIPTS.resolve(script)),
        Files.readString(out.resolve("script.sh")));
    // tee (in a process substitution) may still be creating or writing the logs when the script
    // has exited; give it a moment.
    for (int i = 0; i < 100 && !(contains(out.resolve("stdout.log"), "started")
        && contains(out.resolve("stderr.log"), "progress")); i++) {
      Thread.sleep(100);
    }
    assertTrue(Files.readString(out.resolve("stdout.log")).contains("started"));
    assertTrue(Files.readString(out.resolve("stderr.log")).contains("progress"));

    List<String> args = new ArrayList<>(Files.readAllLines(argsFile));
    assertEquals(stage, args.get(0));
    ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
    CommandLine.Model.CommandSpec sub = parsed.subcommand().commandSpec();
    assertEquals("some/model", sub.findOption("--model_name_or_path").getValue());
    assertEquals(out.toString(), sub.findOption("--output_dir").getValue().toString());
    assertEquals(128, (int) sub.findOption("--max_length").getValue(), "the caller's flag wins");
    assertEquals(1, (int) sub.findOption("--epochs").getValue(), "the caller's flag wins");
    assertEquals(List.of(trainDataset), sub.findOption("--train_datasets").getValue());
    assertEquals(weightDecay, (Double) sub.findOption("--weight_decay").getValue(), 0.0);
    assertEquals(lr, (Double) sub.findOption("--lr").getValue(), 0.0);
    assertEquals(0.03, (double) sub.findOption("--lr_warmup_ratio").getValue(), 0.0);
    if (!stage.equals("sft")) {
      assertEquals(List.of("PKU-SafeRLHF/test"), sub.findOption("--eval_datasets").getValue());
      assertTrue((boolean) sub.findOption("--need_eval").getValue());
    }
    if (stage.equals("rm") || stage.equals("cm")) {
      assertEquals(0.001, (double) sub.findOption("--regularization").getValue(), 0.0);
      assertEquals("ExponentialMovingAverage", sub.findOption("--normalizer_type").getValue());
    }
    if (stage.equals("dpo")) {
      assertEquals(0.1, (double) sub.findOption("--scale_coeff").getValue(), 0.0);
    }
  }

  private static boolean contains(Path file, String text) throws IOException {
    return Files.exists(file) && Files.readString(file).contains(text);
  }
}
