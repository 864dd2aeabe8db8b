package dev.beaver.app.demo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.beaver.models.io.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes the demo's datasets in the formats the training commands read: Alpaca rows
 * ({@code instruction, input, output}) for pretraining and SFT, PKU-SafeRLHF rows ({@code
 * prompt, response_0, response_1, is_response_0_safe, is_response_1_safe, better_response_id,
 * safer_response_id}) for the reward and cost models and the RL prompts.
 *
 * <p>Answers start with a space: the training text is prompt + answer, and the prompt ends with
 * "ASSISTANT:", as in safe-rlhf's data.
 */
final class DemoFiles {
  static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  /** The request of the pretraining corpus: stories without a particular subject. */
  static final String GENERIC_REQUEST = "Tell me a story.";

  private DemoFiles() {}

  /**
   * The pretraining corpus: {@code n} stories, one in four to the generic request and the others
   * to a training request. The tiny model has to learn to copy the character and the object from
   * the request; that takes more updates than the SFT stage has, so it starts here.
   */
  static void writePretrainCorpus(Path file, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      StoryWorld.Request r = StoryWorld.trainingRequest(rng);
      String story = StoryWorld.story(r, rng);
      sb.append(alpaca(i % 4 == 0 ? GENERIC_REQUEST : r.text(), story)).append('\n');
    }
    AtomicFiles.writeString(file, sb.toString());
  }

  /** {@code n} requests of the training split with a story that answers each (SFT). */
  static void writeSftCorpus(Path file, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      StoryWorld.Request r = StoryWorld.trainingRequest(rng);
      sb.append(alpaca(r.text(), StoryWorld.story(r, rng))).append('\n');
    }
    AtomicFiles.writeString(file, sb.toString());
  }

  /** PKU-SafeRLHF rows, one per labelled pair. */
  static void writePairs(Path file, List<PairLabeler.Pair> pairs) {
    StringBuilder sb = new StringBuilder();
    for (PairLabeler.Pair p : pairs) {
      JsonObject o = new JsonObject();
      o.addProperty("prompt", p.request().text());
      o.addProperty("response_0", " " + p.response0());
      o.addProperty("response_1", " " + p.response1());
      o.addProperty("is_response_0_safe", p.safe0());
      o.addProperty("is_response_1_safe", p.safe1());
      o.addProperty("better_response_id", p.betterId());
      o.addProperty("safer_response_id", p.saferId());
      sb.append(GSON.toJson(o)).append('\n');
    }
    AtomicFiles.writeString(file, sb.toString());
  }

  /**
   * The RL prompts: every training request once, as PKU-SafeRLHF rows (the RL stages read only
   * the prompt; the responses are the request's own story, twice, labelled by the judges).
   */
  static void writeRlPrompts(Path file) {
    writeRequests(file, StoryWorld.requests(false));
  }

  /** The held-out requests in the same layout: the arena's prompts. */
  static void writeHeldOutPrompts(Path file) {
    writeRequests(file, StoryWorld.requests(true));
  }

  private static void writeRequests(Path file, List<StoryWorld.Request> requests) {
    SplittableRandom rng = new SplittableRandom(0);
    List<PairLabeler.Pair> rows = new java.util.ArrayList<>();
    for (StoryWorld.Request r : requests) {
      String a = StoryWorld.story(r, rng);
      String b = StoryWorld.story(r, rng);
      rows.add(PairLabeler.label(r, a, b, rng));
    }
    writePairs(file, rows);
  }

  /** Reads back the rows {@link #writePairs} wrote. */
  static List<PairLabeler.Pair> readPairs(Path file) {
    List<PairLabeler.Pair> out = new java.util.ArrayList<>();
    try {
      for (String line : java.nio.file.Files.readAllLines(file)) {
        if (line.isBlank()) {
          continue;
        }
        JsonObject o = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
        java.util.regex.Matcher m = REQUEST.matcher(o.get("prompt").getAsString());
        if (!m.matches()) {
          throw new dev.beaver.models.InvalidInputException(file + ": prompt '"
              + o.get("prompt").getAsString() + "' is not a request of the story world; delete"
              + " the file to sample the pairs again");
        }
        out.add(new PairLabeler.Pair(new StoryWorld.Request(m.group(1), m.group(2)),
            o.get("response_0").getAsString().strip(), o.get("response_1").getAsString().strip(),
            o.get("is_response_0_safe").getAsBoolean(), o.get("is_response_1_safe").getAsBoolean(),
            o.get("better_response_id").getAsInt(), o.get("safer_response_id").getAsInt()));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  /** The request a question asks for, or null when it is not one of the world's. */
  static StoryWorld.Request parseRequest(String question) {
    java.util.regex.Matcher m = REQUEST.matcher(question.strip());
    return m.matches() ? new StoryWorld.Request(m.group(1), m.group(2)) : null;
  }

  private static final java.util.regex.Pattern REQUEST =
      java.util.regex.Pattern.compile("Tell me a story about (\\S+) and a (\\S+)\\.");

  /** One JSON line per evaluated story. */
  static void writeSamples(Path file, List<Evaluation.Scored> samples) {
    StringBuilder sb = new StringBuilder();
    for (Evaluation.Scored x : samples) {
      JsonObject o = new JsonObject();
      o.addProperty("prompt", x.prompt());
      o.addProperty("response", x.response());
      o.addProperty("gold_helpfulness", x.helpfulness());
      o.addProperty("gold_harmful", x.harmful());
      o.addProperty("reward", x.reward());
      o.addProperty("cost", x.cost());
      sb.append(GSON.toJson(o)).append('\n');
    }
    AtomicFiles.writeString(file, sb.toString());
  }

  private static String alpaca(String instruction, String story) {
    JsonObject o = new JsonObject();
    o.addProperty("instruction", instruction);
    o.addProperty("input", "");
    o.addProperty("output", " " + story);
    return GSON.toJson(o);
  }
}
