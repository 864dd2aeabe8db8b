package dev.beaver.app.arena;

/**
 * An extra per-response score for the arena besides the reward and cost models (e.g. a demo's
 * gold judge). The arena calls it once per prompt and corner, on the calling thread of
 * {@link Arena#run}, after generation; its scores become two columns of {@code table.csv}
 * ({@code <name> (red)}, {@code <name> (blue)}) and the per-corner means in {@code summary.json}.
 */
public interface ResponseJudge {

  /** The column name (short, no comma), e.g. {@code gold_harm}. */
  String name();

  /**
   * @param question the user's prompt as the dataset gives it (without the conversation
   *     template)
   * @param response the corner's generated response (decoded, special tokens skipped)
   */
  double judge(String question, String response);

  /** A judge from a name and a function. */
  static ResponseJudge of(String name, java.util.function.ToDoubleBiFunction<String, String> f) {
    return new ResponseJudge() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public double judge(String question, String response) {
        return f.applyAsDouble(question, response);
      }
    };
  }
}
