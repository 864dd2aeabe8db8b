package dev.beaver.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.beaver.models.generate.Generation;
import dev.beaver.models.generate.GenerationConfig;
import dev.beaver.models.generate.Generator;
import dev.beaver.models.generate.SamplingParams;
import dev.beaver.models.generate.TokenListener;
import dev.beaver.models.io.Dtype;
import dev.beaver.models.io.ShardedCheckpointWriter;
import dev.beaver.models.nn.LogProbs;
import dev.beaver.models.nn.PaddedBatch;
import dev.beaver.models.nn.WeightLayout;
import java.nio.file.Path;
import java.util.List;

/**
 * A causal language model (the actor/policy or the reference model): decoder, LM head,
 * tokenizer and generation defaults.
 */
public final class CausalLm extends PretrainedModel {
  private final GenerationConfig generationConfig;

  private CausalLm(Parts parts, NDManager parent) {
    super(parts.dir(), parts.config(), parts.tokenizer(),
        createDecoder(parent, parts.config(), parts.tensors()));
    this.generationConfig = GenerationConfig.load(parts.dir(), parts.config())
        .withTokenizerIds(tokenizer.eosId(), tokenizer.padId());
  }

  /**
   * Loads a local HF folder or a hub model id (through the HF cache).
   *
   * @throws InvalidInputException when the folder cannot be used, with the reason
   */
  public static CausalLm load(String modelNameOrPath, NDManager parent) {
    Parts parts = loadParts(modelNameOrPath, WeightLayout.Head.LM, c -> c);
    return new CausalLm(parts, parent);
  }

  public GenerationConfig generationConfig() {
    return generationConfig;
  }

  /** Generates one continuation per prompt with the KV cache. */
  public List<Generation> generate(NDManager manager, List<int[]> prompts, SamplingParams params) {
    return generate(manager, prompts, params, TokenListener.NONE);
  }

  /** Generates with the KV cache, telling {@code listener} each token as it is sampled. */
  public List<Generation> generate(NDManager manager, List<int[]> prompts, SamplingParams params,
      TokenListener listener) {
    return new Generator(decoder, generationConfig.eosIds(), tokenizer.padId(), true)
        .generate(manager, prompts, params, listener);
  }

  /**
   * Log-probabilities of each token given its prefix, from one full forward pass (right padding).
   *
   * @return per sequence, (len − 1) values: entry t scores token t+1
   */
  public float[][] tokenLogProbs(NDManager manager, List<int[]> sequences) {
    try (NDManager step = manager.newSubManager()) {
      PaddedBatch batch = PaddedBatch.of(sequences, tokenizer.padId(), PaddedBatch.Side.RIGHT);
      NDArray logits = decoder.logits(batch.forward(decoder, step));
      float[] all = LogProbs.gatherNext(logits, step.create(batch.ids())).toFloatArray();
      int width = batch.length() - 1;
      float[][] out = new float[sequences.size()][];
      for (int r = 0; r < sequences.size(); r++) {
        int n = Math.max(0, sequences.get(r).length - 1);
        out[r] = java.util.Arrays.copyOfRange(all, r * width, r * width + n);
      }
      return out;
    }
  }

  /**
   * Logits of every position for one unpadded sequence.
   *
   * @return (T, V) flattened row-major
   */
  public float[] logits(NDManager manager, int[] ids) {
    try (NDManager step = manager.newSubManager()) {
      PaddedBatch batch = PaddedBatch.of(List.of(ids), tokenizer.padId(), PaddedBatch.Side.RIGHT);
      return decoder.logits(batch.forward(decoder, step)).toFloatArray();
    }
  }

  @Override
  public void save(Path outDir) {
    save(outDir, Dtype.F32);
  }

  /** Saves in HF layout with the given storage dtype. */
  public void save(Path outDir, Dtype dtype) {
    JsonObject gen = generationConfig.json() != null ? generationConfig.json().deepCopy()
        : new JsonObject();
    if (!gen.has("eos_token_id")) {
      JsonArray eos = new JsonArray();
      generationConfig.eosIds().forEach(eos::add);
      gen.add("eos_token_id", eos.size() == 1 ? eos.get(0) : eos);
    }
    ModelWriter.save(outDir, config, decoder.weights().toHost(), WeightLayout.Head.LM, tokenizer,
        gen, dtype, ShardedCheckpointWriter.DEFAULT_MAX_SHARD_BYTES);
  }
}
