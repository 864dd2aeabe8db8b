package dev.beaver.app.serve;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Lines from a stream and answers to a writer, for input that is not a terminal (a pipe, a
 * file, a test): no prompt, no banner, no escape sequences, so the output holds only answers.
 */
final class PlainChatTerminal implements ChatTerminal {
  private final BufferedReader in;
  private final PrintWriter out;

  PlainChatTerminal(InputStream in, PrintWriter out) {
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    this.out = out;
  }

  @Override
  public String readLine(String prompt) {
    try {
      return in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read standard input: " + e.getMessage(), e);
    }
  }

  @Override
  public PrintWriter writer() {
    return out;
  }

  @Override
  public boolean interactive() {
    return false;
  }

  @Override
  public void clearScreen() {}

  @Override
  public void startAnswer() {}

  @Override
  public boolean stopRequested() {
    return false;
  }

  /** Leaves the streams open: they belong to the caller (System.in, the command's writer). */
  @Override
  public void close() {
    out.flush();
  }
}
