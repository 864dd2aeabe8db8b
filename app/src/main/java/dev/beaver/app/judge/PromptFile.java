package dev.beaver.app.judge;

import dev.beaver.data.io.DataFormat;
import dev.beaver.data.io.RecordReader;
import dev.beaver.models.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The questions to judge: a JSON list or JSON Lines of objects with a string {@code prompt}
 * (other keys, e.g. upstream problem.json's {@code category}, are ignored). Any other name than
 * .jsonl/.parquet is read as JSON, which also accepts JSON Lines.
 */
final class PromptFile {
  private PromptFile() {}

  /**
   * @throws InvalidInputException naming the file and line of the first bad record, or when the
   *     file holds no prompt
   */
  static List<String> read(Path file) {
    DataFormat format = DataFormat.of(file);
    List<String> prompts = new ArrayList<>();
    RecordReader.read(file, format == null ? DataFormat.JSON : format, row -> {
      String prompt = row.string("prompt");
      if (prompt.isBlank()) {
        throw row.error("'prompt' is empty; give every record a question");
      }
      prompts.add(prompt);
    });
    if (prompts.isEmpty()) {
      throw new InvalidInputException(file + ": no records; write a JSON list or JSON Lines of"
          + " objects with a \"prompt\" field");
    }
    return prompts;
  }
}
