package dev.beaver.app.serve;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The read-answer loop of {@code beaver serve}: each input line goes to every model in turn, each
 * answer printed under its model's name ({@code [name] answer}), streamed token by token or
 * printed whole; {@link ChatCommand}s steer the dialogue.
 */
final class ChatLoop {
  static final String PROMPT = ">>> ";

  private final List<ChatBot> bots;
  private final ChatTerminal terminal;
  private final boolean stream;
  private final NDManager manager;

  ChatLoop(List<ChatBot> bots, ChatTerminal terminal, boolean stream, NDManager manager) {
    this.bots = List.copyOf(bots);
    this.terminal = terminal;
    this.stream = stream;
    this.manager = manager;
  }

  /** Runs until exit, quit or the end of input. */
  void run() {
    PrintWriter out = terminal.writer();
    if (terminal.interactive()) {
      out.println("Chatting with " + bots.stream().map(ChatBot::name)
          .collect(Collectors.joining(", ")) + ". Type 'help' for commands, 'exit' or Ctrl-D to"
          + " leave.");
      out.flush();
    }
    for (String line = terminal.readLine(PROMPT); line != null;
        line = terminal.readLine(PROMPT)) {
      String input = line;
      ChatCommand command = ChatCommand.parse(line);
      if (command == ChatCommand.EXIT || command == ChatCommand.QUIT) {
        return;
      }
      if (command != null) {
        run(command);
      } else if (!input.isBlank()) {
        for (ChatBot bot : bots) {
          respond(bot, s -> bot.answer(manager, input, s, terminal::stopRequested));
        }
      }
      out.flush();
    }
    if (terminal.interactive()) {
      out.println(); // Ctrl-D leaves the cursor after the prompt
      out.flush();
    }
  }

  private void run(ChatCommand command) {
    PrintWriter out = terminal.writer();
    switch (command) {
      case HELP -> out.println(ChatCommand.helpText());
      case RESET -> {
        bots.forEach(ChatBot::reset);
        out.println("(dialogue reset)");
      }
      case CLEAR -> {
        bots.forEach(ChatBot::reset);
        terminal.clearScreen();
      }
      case REGENERATE -> {
        for (ChatBot bot : bots) {
          respond(bot, s -> bot.regenerate(manager, s, terminal::stopRequested));
        }
      }
      default -> throw new IllegalStateException("unhandled command " + command);
    }
  }

  /** Prints one model's reply under its name, streaming when asked. */
  private void respond(ChatBot bot, Function<Consumer<String>, ChatBot.Reply> turn) {
    PrintWriter out = terminal.writer();
    out.print("[" + bot.name() + "] ");
    out.flush();
    terminal.startAnswer();
    Consumer<String> sink = stream ? piece -> {
      if (!piece.isEmpty()) {
        out.print(piece);
        out.flush();
      }
    } : piece -> {};
    ChatBot.Reply reply = turn.apply(sink);
    switch (reply.outcome()) {
      case ANSWERED -> {
        if (!stream) {
          out.print(reply.text());
        }
        out.println();
      }
      case STOPPED -> out.println(" (stopped)");
      case CONTEXT_FULL -> out.println("(the dialogue fills the model's context; type 'reset')");
      case NOTHING_TO_REGENERATE -> out.println("(nothing to regenerate)");
      default -> throw new IllegalStateException("unhandled outcome " + reply.outcome());
    }
    out.flush();
  }
}
