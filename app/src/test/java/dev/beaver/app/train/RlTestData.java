package dev.beaver.app.train;

import dev.beaver.models.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The models and prompts the RL command tests run on: stories260K as actor (and reward model with
 * a fresh seeded head), the parity folder's safe-rlhf score model as cost model, and prompt files
 * in the {@code {"q": ...}} layout the tests read with {@code --column_map input=q}.
 */
final class RlTestData {
  private RlTestData() {}

  /** Four short story requests (two prompt batches of two). */
  static final List<String> FOUR = List.of("Tell me about a cat.", "Tell me about a dog.",
      "What did Lily see?", "Tell me about Tom.");

  static String actor() {
    return SharedData.stories260k().toString();
  }

  static String costModel() {
    return SharedData.requireOverridable("BEAVER_PARITY_DIR", "reference/parity")
        .resolve("llama-score").toString();
  }

  /** Writes {@code dir/prompts.jsonl} with one {@code {"q": question}} row per question. */
  static Path prompts(Path dir, List<String> questions) {
    List<String> rows = new ArrayList<>();
    for (String q : questions) {
      rows.add("{\"q\": \"" + q + "\"}");
    }
    Path file = dir.resolve("prompts.jsonl");
    try {
      Files.write(file, rows);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
