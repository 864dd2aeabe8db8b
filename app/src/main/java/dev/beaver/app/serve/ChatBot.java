package dev.beaver.app.serve;

import ai.djl.ndarray.NDManager;
import dev.beaver.models.CausalLm;
import dev.beaver.models.generate.Generation;
import dev.beaver.models.generate.SamplingParams;
import dev.beaver.models.tokenizer.PromptTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One model of the chat and its own dialogue, as safe-rlhf's {@code Chatbot}: the whole dialogue
 * so far is the prompt ({@code BEGINNING OF CONVERSATION: USER: q1 ASSISTANT:a1</s>USER: q2
 * ASSISTANT:}), so every answer sees the earlier turns.
 *
 * <p>Each generation uses its own seed ({@code seed + n} for the n-th), so {@code regenerate}
 * gives a new answer when sampling. Not thread-safe.
 */
final class ChatBot {
  /** What one turn produced. {@code text} is null when nothing was added to the history. */
  record Reply(String text, Outcome outcome) {}

  enum Outcome {
    /** The answer was generated and added to the history. */
    ANSWERED,
    /** The user stopped the answer (Ctrl-C); the history is unchanged. */
    STOPPED,
    /** The dialogue fills the model's context: nothing can be generated; reset to go on. */
    CONTEXT_FULL,
    /** {@code regenerate} before any answer. */
    NOTHING_TO_REGENERATE
  }

  private final String name;
  private final CausalLm lm;
  private final SamplingParams params;
  /** User and assistant turns, alternating from a user turn; even length between calls. */
  private final List<String> turns = new ArrayList<>();
  private long generations;

  /** @param params decoding; its seed is the first generation's, later ones count up from it */
  ChatBot(String name, CausalLm lm, SamplingParams params) {
    this.name = name;
    this.lm = lm;
    this.params = params;
  }

  String name() {
    return name;
  }

  /** The dialogue so far: user, assistant, user, assistant, ... */
  List<String> history() {
    return List.copyOf(turns);
  }

  /** Forgets the dialogue. */
  void reset() {
    turns.clear();
  }

  /**
   * Answers {@code userText} after the dialogue so far and appends both turns.
   *
   * @param sink receives the answer's text piece by piece as tokens are generated
   * @param stop polled after every token; true abandons the answer
   */
  Reply answer(NDManager manager, String userText, Consumer<String> sink, BooleanSupplier stop) {
    List<String> prompt = new ArrayList<>(turns);
    prompt.add(userText);
    Reply reply = generate(manager, prompt, sink, stop);
    if (reply.outcome() == Outcome.ANSWERED) {
      turns.add(userText);
      turns.add(reply.text());
    }
    return reply;
  }

  /**
   * Replaces the last answer with a new one for the same user turn; the old answer stays when
   * the new one is stopped.
   */
  Reply regenerate(NDManager manager, Consumer<String> sink, BooleanSupplier stop) {
    if (turns.isEmpty()) {
      return new Reply(null, Outcome.NOTHING_TO_REGENERATE);
    }
    List<String> prompt = new ArrayList<>(turns.subList(0, turns.size() - 1));
    Reply reply = generate(manager, prompt, sink, stop);
    if (reply.outcome() == Outcome.ANSWERED) {
      turns.set(turns.size() - 1, reply.text());
    }
    return reply;
  }

  /** Generates the assistant's turn after {@code dialogue} (odd length, ending on the user). */
  private Reply generate(NDManager manager, List<String> dialogue, Consumer<String> sink,
      BooleanSupplier stop) {
    int[] ids = lm.tokenizer().encode(PromptTemplate.dialogue(dialogue, lm.tokenizer().eosToken()));
    if (ids.length >= lm.config().maxPositions()) {
      return new Reply(null, Outcome.CONTEXT_FULL);
    }
    SamplingParams p = new SamplingParams(params.temperature(), params.topP(), params.topK(),
        params.repetitionPenalty(), params.maxNewTokens(), params.maxLength(),
        params.seed() + generations++);
    StreamingDecoder stream = new StreamingDecoder(t -> lm.tokenizer().decode(t, true));
    Generation g;
    try {
      g = lm.generate(manager, List.of(ids), p, (row, token) -> {
        sink.accept(stream.push(token));
        if (stop.getAsBoolean()) {
          throw new StopRequested();
        }
      }).get(0);
    } catch (StopRequested e) {
      return new Reply(null, Outcome.STOPPED);
    }
    sink.accept(stream.finish());
    return new Reply(lm.tokenizer().decode(g.newIds(), true), Outcome.ANSWERED);
  }

  /** Unwinds the generation loop when the user stops an answer; the generator frees its arrays. */
  private static final class StopRequested extends RuntimeException {
    StopRequested() {
      super("stopped by the user", null, false, false);
    }
  }
}
