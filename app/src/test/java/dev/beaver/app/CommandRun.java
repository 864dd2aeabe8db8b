package dev.beaver.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Output of one in-process run of a command line, for tests (of every app package). */
public record CommandRun(int exitCode, String out, String err) {

  public static CommandRun execute(CommandLine cl, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new CommandRun(code, out.toString(), err.toString());
  }

  public static CommandRun beaver(String... args) {
    return execute(Main.commandLine(), args);
  }

  /** The last non-empty line of standard output (where {@code --json} puts its object). */
  public String lastLine() {
    String[] lines = out.strip().split("\\R");
    return lines[lines.length - 1];
  }
}
