package dev.beaver.app.serve;

import java.util.Locale;

/**
 * The words that steer the chat instead of being sent to the models, as in safe-rlhf's CLI.
 * Each is accepted bare or with a leading slash ({@code exit}, {@code /exit}), in any case.
 */
enum ChatCommand {
  HELP("help", "show this help"),
  RESET("reset", "forget the dialogue (every model)"),
  CLEAR("clear", "forget the dialogue and clear the screen"),
  REGENERATE("regenerate", "answer the last input again, replacing the last answers"),
  EXIT("exit", "leave (also: quit, Ctrl-D)"),
  QUIT("quit", "leave");

  private final String word;
  private final String help;

  ChatCommand(String word, String help) {
    this.word = word;
    this.help = help;
  }

  /** The command {@code line} names, or null when it is text for the models. */
  static ChatCommand parse(String line) {
    String w = line.strip().toLowerCase(Locale.ROOT);
    if (w.startsWith("/")) {
      w = w.substring(1);
    }
    for (ChatCommand c : values()) {
      if (c.word.equals(w)) {
        return c;
      }
    }
    return null;
  }

  /** One line per command. */
  static String helpText() {
    StringBuilder sb = new StringBuilder("Commands:\n");
    for (ChatCommand c : values()) {
      sb.append(String.format("  %-11s %s%n", c.word, c.help));
    }
    sb.append("Anything else is sent to the model(s). Ctrl-C stops an answer.");
    return sb.toString();
  }
}
