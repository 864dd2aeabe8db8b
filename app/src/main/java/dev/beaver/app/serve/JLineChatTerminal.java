package dev.beaver.app.serve;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;

/**
 * The system terminal through JLine: line editing and history of the inputs (arrow keys), Ctrl-D
 * to leave, Ctrl-C to stop an answer (at the prompt it just discards the line).
 */
final class JLineChatTerminal implements ChatTerminal {
  private final Terminal terminal;
  private final LineReader reader;
  private final AtomicBoolean stop = new AtomicBoolean();

  private JLineChatTerminal(Terminal terminal) {
    this.terminal = terminal;
    if (terminal.getWidth() <= 0) {
      // A pseudo-terminal nobody sized (script(1) fed from a pipe) reports 0 columns, and the
      // line editor then cannot draw the prompt or the echo.
      terminal.setSize(new Size(80, Math.max(terminal.getHeight(), 24)));
    }
    this.reader = LineReaderBuilder.builder().terminal(terminal).appName("beaver").build();
    // Outside readLine (i.e. while answering) Ctrl-C asks the answer to stop; readLine installs
    // its own handler while it reads.
    terminal.handle(Terminal.Signal.INT, signal -> stop.set(true));
  }

  /** Opens the process's terminal; call only when System.console() is not null. */
  static JLineChatTerminal open() {
    try {
      return new JLineChatTerminal(TerminalBuilder.builder().system(true).build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the terminal: " + e.getMessage(), e);
    }
  }

  @Override
  public String readLine(String prompt) {
    while (true) {
      try {
        return reader.readLine(prompt);
      } catch (UserInterruptException e) {
        // Ctrl-C at the prompt: drop the line, ask again (as a shell does).
      } catch (EndOfFileException e) {
        return null;
      }
    }
  }

  @Override
  public PrintWriter writer() {
    return terminal.writer();
  }

  @Override
  public boolean interactive() {
    return true;
  }

  @Override
  public void clearScreen() {
    terminal.puts(Capability.clear_screen);
    terminal.flush();
  }

  @Override
  public void startAnswer() {
    stop.set(false);
  }

  @Override
  public boolean stopRequested() {
    return stop.get();
  }

  @Override
  public void close() {
    try {
      terminal.writer().flush();
      terminal.close();
    } catch (IOException e) {
      // Closing restores the terminal's attributes; nothing is left to do when it fails.
    }
  }
}
