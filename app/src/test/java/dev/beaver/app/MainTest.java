package dev.beaver.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beaver.models.InvalidInputException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class MainTest {

  private static CommandRun execute(CommandLine cl, String... args) {
    return CommandRun.execute(cl, args);
  }

  private static CommandRun execute(String... args) {
    return CommandRun.beaver(args);
  }

  @Command(name = "bad-input")
  static final class BadInput implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new InvalidInputException(
          "models/x/config.json: key 'hidden_size' is missing\nadd it or point to another model");
    }
  }

  @Command(name = "bad-input-wrapped")
  static final class BadInputWrapped implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      throw new ExecutionException(new InvalidInputException("data.jsonl:3: not JSON"));
    }
  }

  @Command(name = "crash")
  static final class Crash implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("boom");
    }
  }

  @Test
  void shouldListSubcommandsAndExitZeroOnHelp() {
    CommandRun r = execute("--help");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().contains("Usage: beaver"), r.out());
    assertTrue(r.out().contains("demo"), r.out());
    assertTrue(r.out().contains("help"), r.out());
  }

  @Test
  void shouldExitZeroOnDemoHelp() {
    CommandRun r = execute("demo", "--help");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().contains("Usage: beaver demo"), r.out());
  }

  @Test
  void shouldPrintVersion() {
    CommandRun r = execute("--version");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().startsWith("beaver "), r.out());
  }

  @Test
  void shouldExitTwoWithUsageOnUnknownFlag() {
    CommandRun r = execute("--no-such-flag");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--no-such-flag"), r.err());
    assertTrue(r.err().contains("Usage: beaver"), r.err());
  }

  @Test
  void shouldExitTwoWithUsageOnUnknownSubcommandFlag() {
    CommandRun r = execute("demo", "--zzz-no-such-flag");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("Usage: beaver demo"), r.err());
  }

  @Test
  void shouldExitTwoWithoutSubcommand() {
    CommandRun r = execute();
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("Missing required subcommand"), r.err());
  }

  @Test
  void shouldPrintOneLineErrorAndExitTwoOnInvalidInput() {
    CommandLine cl = Main.commandLine();
    cl.addSubcommand(new CommandLine(new BadInput()));
    CommandRun r = execute(cl, "bad-input");
    assertEquals(2, r.exitCode());
    assertEquals(
        "error: models/x/config.json: key 'hidden_size' is missing add it or point to another model"
            + System.lineSeparator(),
        r.err());
    assertEquals("", r.out());
  }

  @Test
  void shouldFindInvalidInputInCauseChain() {
    CommandLine cl = Main.commandLine();
    cl.addSubcommand(new CommandLine(new BadInputWrapped()));
    CommandRun r = execute(cl, "bad-input-wrapped");
    assertEquals(2, r.exitCode());
    assertEquals("error: data.jsonl:3: not JSON" + System.lineSeparator(), r.err());
  }

  @Test
  void shouldPrintStackTraceAndExitOneOnOtherExceptions() {
    CommandLine cl = Main.commandLine();
    cl.addSubcommand(new CommandLine(new Crash()));
    CommandRun r = execute(cl, "crash");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("java.lang.IllegalStateException: boom"), r.err());
    assertTrue(r.err().contains("\tat "), r.err());
  }

  @Test
  void shouldRunOfflineByDefault() {
    Main.commandLine();
    assertEquals("true", System.getProperty("ai.djl.offline"));
  }
}
