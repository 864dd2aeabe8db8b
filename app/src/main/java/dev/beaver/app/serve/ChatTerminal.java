package dev.beaver.app.serve;

import java.io.PrintWriter;

/** Where the chat reads its input and writes its answers: a terminal, or plain streams. */
interface ChatTerminal extends AutoCloseable {
  /** The next input line without its line end; null at the end of input (Ctrl-D, EOF). */
  String readLine(String prompt);

  /** Where answers go (flushed by the caller after each piece of streamed text). */
  PrintWriter writer();

  /** Whether a person is typing (prompts, banner and colours are shown only then). */
  boolean interactive();

  /** Clears the screen, where there is one. */
  void clearScreen();

  /**
   * Marks the start of an answer: from now until the next {@link #readLine}, Ctrl-C requests a
   * stop instead of ending the program.
   */
  void startAnswer();

  /** Whether Ctrl-C was pressed since {@link #startAnswer}. */
  boolean stopRequested();

  @Override
  void close();
}
