package dev.beaver.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.beaver.app.Main;
import dev.beaver.models.CausalLm;
import dev.beaver.models.SharedData;
import dev.beaver.models.generate.Generation;
import dev.beaver.models.generate.SamplingParams;
import dev.beaver.models.tokenizer.PromptTemplate;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code beaver serve} through its plain (pipe) input on stories260K: answers must be exactly the
 * model's greedy continuation of the safe-rlhf dialogue so far.
 */
class ServeCommandTest {
  private static final int NEW_TOKENS = 12;
  private static NDManager manager;
  private static CausalLm lm;
  private static String model;

  @BeforeAll
  static void load() {
    model = SharedData.stories260k().toString();
    manager = NDManager.newBaseManager();
    lm = CausalLm.load(model, manager);
  }

  @AfterAll
  static void close() {
    if (lm != null) {
      lm.close();
      manager.close();
    }
  }

  /** The greedy answer after {@code dialogue} (user, assistant, ..., user). */
  private static String greedy(String... dialogue) {
    int[] ids = lm.tokenizer().encode(PromptTemplate.dialogue(List.of(dialogue),
        lm.tokenizer().eosToken()));
    Generation g = lm.generate(manager, List.of(ids),
        new SamplingParams(0, 1, 50, 1, NEW_TOKENS, 0, 42)).get(0);
    return lm.tokenizer().decode(g.newIds(), true);
  }

  /** Runs serve in-process with {@code input} as its (non-terminal) standard input. */
  private static Run serve(String input, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new ServeCommand(
        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString().replace("\r\n", "\n"), err.toString());
  }

  private record Run(int exitCode, String out, String err) {}

  @Test
  void shouldAnswerWithTheWholeDialogueAsPromptAndObeyCommands() {
    String q1 = "Tell me a story.";
    String q2 = "What happened next?";
    String q3 = "Who is Tom?";
    Run r = serve(q1 + "\n\n/regenerate\n" + q2 + "\nreset\n" + q3 + "\nexit\nnever answered\n",
        "--model_name_or_path", model, model, "--temperature", "0",
        "--max_length", String.valueOf(NEW_TOKENS));
    assertEquals(0, r.exitCode(), r.err());
    String a1 = greedy(q1);
    String a2 = greedy(q1, a1, q2);
    String a3 = greedy(q3);
    String expected = "[hf] " + a1 + "\n[hf #2] " + a1 + "\n" // q1 (the blank line is skipped)
        + "[hf] " + a1 + "\n[hf #2] " + a1 + "\n" // regenerate (greedy: the same again)
        + "[hf] " + a2 + "\n[hf #2] " + a2 + "\n" // q2 after q1 and a1
        + "(dialogue reset)\n"
        + "[hf] " + a3 + "\n[hf #2] " + a3 + "\n"; // q3 alone; "exit" ends the chat
    assertEquals(expected, r.out());
    assertNotEquals(greedy(q2), a2, "the earlier turns change the answer");
  }

  @Test
  void shouldStreamTheSameTextItPrintsWhole() {
    String input = "Tell me a story.\n";
    String[] args = {"--model_name_or_path", model, "--temperature", "0", "--max_length", "20"};
    Run whole = serve(input, args);
    List<String> streamArgs = new ArrayList<>(List.of(args));
    streamArgs.add("--stream");
    Run streamed = serve(input, streamArgs.toArray(String[]::new));
    assertEquals(0, streamed.exitCode(), streamed.err());
    assertEquals(whole.out(), streamed.out());
    assertTrue(whole.out().startsWith("[hf] "), whole.out());
  }

  @Test
  void shouldHandTokensToTheSinkOneByOne() {
    ChatBot bot = new ChatBot("m", lm, new SamplingParams(0, 1, 50, 1, 20, 0, 42));
    List<String> pieces = new ArrayList<>();
    ChatBot.Reply reply = bot.answer(manager, "Tell me a story.", pieces::add, () -> false);
    assertEquals(ChatBot.Outcome.ANSWERED, reply.outcome());
    assertEquals(reply.text(), String.join("", pieces));
    assertTrue(pieces.stream().filter(p -> !p.isEmpty()).count() > 5,
        "text arrives in many pieces: " + pieces);
    assertEquals(List.of("Tell me a story.", reply.text()), bot.history());
  }

  @Test
  void shouldRegenerateWithANewSeedAndReplaceTheLastAnswer() {
    ChatBot bot = new ChatBot("m", lm, SamplingParams.sampling(20, 7));
    assertEquals(ChatBot.Outcome.NOTHING_TO_REGENERATE,
        bot.regenerate(manager, s -> {}, () -> false).outcome());
    String first = bot.answer(manager, "Hello", s -> {}, () -> false).text();
    String second = bot.regenerate(manager, s -> {}, () -> false).text();
    assertNotEquals(first, second);
    assertEquals(List.of("Hello", second), bot.history());
  }

  @Test
  void shouldLeaveTheHistoryAloneWhenStoppedOrFull() {
    ChatBot bot = new ChatBot("m", lm, SamplingParams.greedy(20));
    int[] tokens = {0};
    ChatBot.Reply stopped = bot.answer(manager, "Hi", s -> tokens[0]++, () -> tokens[0] >= 3);
    assertEquals(ChatBot.Outcome.STOPPED, stopped.outcome());
    assertNull(stopped.text());
    assertEquals(3, tokens[0], "stopped right after the third token");
    assertEquals(List.of(), bot.history());
    String huge = "word ".repeat(lm.config().maxPositions());
    assertEquals(ChatBot.Outcome.CONTEXT_FULL,
        bot.answer(manager, huge, s -> {}, () -> false).outcome());
    assertEquals(List.of(), bot.history());
  }

  @Test
  void shouldNameTheArenaCornersAndCheckTheirFlags() {
    Run r = serve("Hi\n", "--arena", "--red_corner_model_name_or_path", model,
        "--blue_corner_model_name_or_path", model, "--temperature", "0",
        "--max_length", String.valueOf(NEW_TOKENS));
    assertEquals(0, r.exitCode(), r.err());
    String a = greedy("Hi");
    assertEquals("[red: hf] " + a + "\n[blue: hf] " + a + "\n", r.out());

    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertEquals(2, cl.execute("serve", "--arena", "--red_corner_model_name_or_path", model));
    assertTrue(err.toString().contains("--arena takes"), err.toString());
    assertEquals(2, quiet().execute("serve", "--red_corner_model_name_or_path", model,
        "--blue_corner_model_name_or_path", model));
    assertEquals(2, quiet().execute("serve"));
    assertEquals(2, quiet().execute("serve", "--model_name_or_path", model, "--top_p", "0"));
  }

  private static CommandLine quiet() {
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(new StringWriter(), true));
    return cl;
  }
}
