package dev.beaver.app.serve;

import ai.djl.ndarray.NDManager;
import dev.beaver.models.CausalLm;
import dev.beaver.models.generate.SamplingParams;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code beaver serve}: an interactive chat with one or more models side by side, as
 * {@code safe_rlhf.serve.cli} ({@code --arena}: {@code safe_rlhf.serve.arena}).
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Chat with one or more models in the terminal (safe-rlhf's serve.cli / serve.arena).",
      "Each input goes to every model in turn; each model keeps its own dialogue, formatted",
      "with the safe-rlhf template. Commands: help, reset, clear, regenerate, exit/quit",
      "(also with a leading '/'); Ctrl-D leaves, Ctrl-C stops an answer. When standard input",
      "is not a terminal, lines are read plainly and only the answers are printed."
    })
public final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model_name_or_path", arity = "1..*", paramLabel = "MODEL",
      description = "One or more local model folders or hub ids, answering side by side.")
  List<String> models = new ArrayList<>();

  @Option(names = "--arena",
      description = "Two models, red and blue corner (safe_rlhf.serve.arena).")
  boolean arena;

  @Option(names = "--red_corner_model_name_or_path", description = "With --arena: the red corner.")
  String red;

  @Option(names = "--blue_corner_model_name_or_path",
      description = "With --arena: the blue corner.")
  String blue;

  @Option(names = "--temperature", defaultValue = "1.0",
      description = "Sampling temperature; 0 is greedy (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--max_length", defaultValue = "512",
      description = "Tokens to generate at most per answer; used as max_new_tokens, as upstream"
          + " (default: ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--top_p", defaultValue = "1.0",
      description = "Nucleus mass (default: ${DEFAULT-VALUE}).")
  double topP;

  @Option(names = "--top_k", defaultValue = "50",
      description = "Keep the K most likely tokens, 0 for all (default: ${DEFAULT-VALUE}, HF's"
          + " default, which upstream's chatbot keeps).")
  int topK;

  @Option(names = "--repetition_penalty", defaultValue = "1.0",
      description = "CTRL repetition penalty (default: ${DEFAULT-VALUE}).")
  double repetitionPenalty;

  @Option(names = "--stream", negatable = true, defaultValue = "false",
      description = "Print each answer token by token as it is generated (default: off, as"
          + " upstream).")
  boolean stream;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the first answer; each later answer uses the next (default:"
          + " ${DEFAULT-VALUE}).")
  long seed;

  /** Where the input comes from; null is System.in (a terminal when there is one). */
  private final InputStream input;

  public ServeCommand() {
    this(null);
  }

  /** Reads {@code input} plainly instead of the terminal (tests, embedding). */
  ServeCommand(InputStream input) {
    this.input = input;
  }

  @Override
  public Integer call() {
    Map<String, String> named = namedModels();
    SamplingParams params = sampling();
    try (NDManager manager = NDManager.newBaseManager()) {
      List<CausalLm> loaded = new ArrayList<>();
      List<ChatBot> bots = new ArrayList<>();
      try {
        // Every model loads before the terminal opens: a bad folder is one error line.
        for (Map.Entry<String, String> e : named.entrySet()) {
          CausalLm lm = CausalLm.load(e.getValue(), manager);
          loaded.add(lm);
          bots.add(new ChatBot(e.getKey(), lm, params));
        }
        try (ChatTerminal terminal = openTerminal()) {
          new ChatLoop(bots, terminal, stream, manager).run();
        }
      } finally {
        loaded.forEach(CausalLm::close);
      }
    }
    return 0;
  }

  /** Display name to model, in answering order; checks the model flags. */
  private Map<String, String> namedModels() {
    Map<String, String> named = new LinkedHashMap<>();
    if (arena) {
      if (red == null || blue == null || !models.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--arena takes"
            + " --red_corner_model_name_or_path and --blue_corner_model_name_or_path, and no"
            + " --model_name_or_path");
      }
      named.put("red: " + shortName(red), red);
      named.put("blue: " + shortName(blue), blue);
      return named;
    }
    if (red != null || blue != null) {
      throw new ParameterException(spec.commandLine(),
          "the corner flags need --arena; or pass the models to --model_name_or_path");
    }
    if (models.isEmpty()) {
      throw new ParameterException(spec.commandLine(),
          "Missing required option: '--model_name_or_path=MODEL' (or --arena with two corners)");
    }
    Map<String, Integer> seen = new HashMap<>();
    for (String m : models) {
      String name = shortName(m);
      int n = seen.merge(name, 1, Integer::sum);
      named.put(n == 1 ? name : name + " #" + n, m);
    }
    return named;
  }

  /** The last element of a path or hub id: what a person recognises in a header. */
  static String shortName(String modelNameOrPath) {
    String trimmed = modelNameOrPath.replaceAll("[/\\\\]+$", "");
    Path file = Path.of(trimmed.isEmpty() ? modelNameOrPath : trimmed).getFileName();
    return file == null ? modelNameOrPath : file.toString();
  }

  private SamplingParams sampling() {
    if (maxLength <= 0) {
      throw new ParameterException(spec.commandLine(), "--max_length must be > 0, was "
          + maxLength);
    }
    try {
      return new SamplingParams(temperature, topP, topK, repetitionPenalty, maxLength, 0, seed);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** JLine on a real terminal; plain lines otherwise (pipes, files, tests). */
  private ChatTerminal openTerminal() {
    if (input == null && System.console() != null) {
      return JLineChatTerminal.open();
    }
    return new PlainChatTerminal(input == null ? System.in : input,
        spec.commandLine().getOut());
  }
}
