package dev.beaver.app.judge;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.beaver.models.generate.SamplingParams;

/**
 * The decoding a model uses "by default", as Hugging Face's {@code generate()} without sampling
 * arguments (what upstream's GPT-4 evaluation calls): the values of the model's
 * generation_config.json over HF's defaults ({@code do_sample} false, temperature 1, top_p 1,
 * top_k 50, repetition_penalty 1). Without {@code do_sample: true} that is greedy decoding.
 */
final class ModelDecoding {
  private ModelDecoding() {}

  /**
   * @param generationConfig the model's generation_config.json, or null when it has none
   * @param temperature a --temperature to use instead (0 greedy), or null for the model's
   * @param maxNewTokens tokens to generate at most; 0 leaves {@code maxLength} in charge
   * @param maxLength total length (prompt included) at most, as upstream's {@code max_length}
   */
  static SamplingParams of(JsonObject generationConfig, Double temperature, int maxNewTokens,
      int maxLength, long seed) {
    boolean doSample = bool(generationConfig, "do_sample", false);
    double t = temperature != null ? temperature
        : doSample ? number(generationConfig, "temperature", 1.0) : 0.0;
    double topP = number(generationConfig, "top_p", 1.0);
    int topK = (int) number(generationConfig, "top_k", 50);
    double repetition = number(generationConfig, "repetition_penalty", 1.0);
    return new SamplingParams(t, topP, topK, repetition, maxNewTokens, maxLength, seed);
  }

  private static boolean bool(JsonObject o, String key, boolean fallback) {
    JsonElement e = o == null ? null : o.get(key);
    return e == null || e.isJsonNull() ? fallback : e.getAsBoolean();
  }

  private static double number(JsonObject o, String key, double fallback) {
    JsonElement e = o == null ? null : o.get(key);
    return e == null || e.isJsonNull() ? fallback : e.getAsDouble();
  }
}
