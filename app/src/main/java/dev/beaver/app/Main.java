package dev.beaver.app;

import dev.beaver.models.InvalidInputException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code beaver} command: entry point of {@code beaver.jar}.
 *
 * <p>Exit codes: 0 success; 2 bad input (an {@link InvalidInputException} anywhere in the cause
 * chain, printed as one {@code error: ...} line, or a command-line parameter error, printed with
 * the usage); 1 anything else, printed with its stack trace.
 */
@Command(
    name = "beaver",
    mixinStandardHelpOptions = true,
    versionProvider = Main.ManifestVersion.class,
    exitCodeOnInvalidInput = CommandLine.ExitCode.USAGE,
    exitCodeOnExecutionException = CommandLine.ExitCode.SOFTWARE,
    description = "Safe RLHF (SFT, reward/cost models, PPO, PPO-Lagrangian) on the JVM.",
    // Every subcommand is registered here, and only here: adding one is one line.
    subcommands = {
      dev.beaver.app.demo.DemoCommand.class,
      DataCommand.class,
      GenerateCommand.class,
      ScoreCommand.class,
      dev.beaver.app.serve.ServeCommand.class,
      dev.beaver.app.judge.JudgeCommand.class,
      dev.beaver.app.train.SftCommand.class,
      dev.beaver.app.train.RewardModelCommand.class,
      dev.beaver.app.train.CostModelCommand.class,
      dev.beaver.app.train.DpoCommand.class,
      dev.beaver.app.train.PpoCommand.class,
      dev.beaver.app.train.PpoLagCommand.class,
      dev.beaver.app.train.PpoRewardShapingCommand.class,
      NodeCommand.class,
      dev.beaver.app.arena.ArenaCommand.class,
      dev.beaver.app.eval.EvalRewardCommand.class,
      dev.beaver.app.eval.EvalCostCommand.class,
      dev.beaver.app.eval.BigBenchCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class Main implements Callable<Integer> {

  static {
    // Must run before any DJL class is loaded: never download natives or models implicitly.
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  @Spec CommandSpec spec;

  /** {@code beaver} without a subcommand is a usage error. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** The configured command line: subcommands, exit codes and the exception handler. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(Main::handleExecutionException);
    // The wrapper scripts pass the authors' values first and the user's flags after them:
    // the last value of a flag wins, as with argparse.
    cl.setOverwrittenOptionsAllowed(true);
    return cl;
  }

  /** Runs {@code beaver} with {@code args} and returns its exit code (does not exit). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  private static int handleExecutionException(
      Exception ex, CommandLine commandLine, ParseResult parseResult) {
    PrintWriter err = root(commandLine).getErr();
    InvalidInputException invalid = findInvalidInput(ex);
    if (invalid != null) {
      err.println("error: " + oneLine(invalid.getMessage()));
      err.flush();
      return CommandLine.ExitCode.USAGE;
    }
    ex.printStackTrace(err);
    err.flush();
    return CommandLine.ExitCode.SOFTWARE;
  }

  /** Bad input may arrive wrapped (e.g. in an ExecutionException from an actor or a future). */
  private static InvalidInputException findInvalidInput(Throwable t) {
    for (int depth = 0; t != null && depth < 32; t = t.getCause(), depth++) {
      if (t instanceof InvalidInputException e) {
        return e;
      }
    }
    return null;
  }

  private static String oneLine(String message) {
    if (message == null || message.isBlank()) {
      return "invalid input";
    }
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** The top-level command line, whose writers tests and callers configure. */
  private static CommandLine root(CommandLine cl) {
    while (cl.getParent() != null) {
      cl = cl.getParent();
    }
    return cl;
  }

  /** {@code Implementation-Version} from the jar manifest, or "dev" outside a jar. */
  static final class ManifestVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"beaver " + (v == null ? "dev" : v)};
    }
  }
}
