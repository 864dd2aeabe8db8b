package dev.beaver.app.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.beaver.models.io.AtomicFiles;
import dev.beaver.models.io.Dtype;
import dev.beaver.models.io.NamedTensor;
import dev.beaver.models.io.ShardedCheckpointWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A tiny, randomly initialised LLaMA written as a Hugging Face folder ({@code config.json},
 * {@code generation_config.json}, {@code model.safetensors}): the model the demo pretrains.
 *
 * <p>Initialisation is transformers' for LLaMA: every linear and embedding weight drawn from
 * N(0, initializer_range²), RMSNorm weights 1; input and output embeddings tied. Seeded, so the
 * same seed writes the same bytes.
 *
 * @param hidden hidden size H
 * @param layers decoder layers
 * @param heads attention heads (head dim H / heads; as many key/value heads)
 * @param intermediate MLP width
 * @param vocab vocabulary size V
 * @param maxPositions max_position_embeddings
 */
public record TinyLlama(int hidden, int layers, int heads, int intermediate, int vocab,
    int maxPositions) {
  static final double INIT_STD = 0.02;

  /** The config.json of this shape, with the world tokenizer's special ids. */
  public JsonObject config() {
    JsonObject c = new JsonObject();
    com.google.gson.JsonArray arch = new com.google.gson.JsonArray();
    arch.add("LlamaForCausalLM");
    c.add("architectures", arch);
    c.addProperty("model_type", "llama");
    c.addProperty("attention_bias", false);
    c.addProperty("attention_dropout", 0.0);
    c.addProperty("bos_token_id", 1);
    c.addProperty("eos_token_id", 2);
    c.addProperty("pad_token_id", 3);
    c.addProperty("hidden_act", "silu");
    c.addProperty("hidden_size", hidden);
    c.addProperty("head_dim", hidden / heads);
    c.addProperty("initializer_range", INIT_STD);
    c.addProperty("intermediate_size", intermediate);
    c.addProperty("max_position_embeddings", maxPositions);
    c.addProperty("mlp_bias", false);
    c.addProperty("num_attention_heads", heads);
    c.addProperty("num_hidden_layers", layers);
    c.addProperty("num_key_value_heads", heads);
    c.addProperty("rms_norm_eps", 1e-5);
    c.add("rope_scaling", null);
    c.addProperty("rope_theta", 10000.0);
    c.addProperty("tie_word_embeddings", true);
    c.addProperty("torch_dtype", "float32");
    c.addProperty("use_cache", true);
    c.addProperty("vocab_size", vocab);
    return c;
  }

  /** Writes config, generation config and seeded random weights into {@code dir}. */
  public void write(Path dir, long seed) {
    if (hidden % heads != 0) {
      throw new IllegalArgumentException("hidden " + hidden + " not divisible by heads " + heads);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    List<NamedTensor> tensors = new ArrayList<>();
    tensors.add(normal("model.embed_tokens.weight", rng, vocab, hidden));
    for (int l = 0; l < layers; l++) {
      String p = "model.layers." + l + ".";
      tensors.add(ones(p + "input_layernorm.weight", hidden));
      for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "o_proj"}) {
        tensors.add(normal(p + "self_attn." + proj + ".weight", rng, hidden, hidden));
      }
      tensors.add(ones(p + "post_attention_layernorm.weight", hidden));
      tensors.add(normal(p + "mlp.gate_proj.weight", rng, intermediate, hidden));
      tensors.add(normal(p + "mlp.up_proj.weight", rng, intermediate, hidden));
      tensors.add(normal(p + "mlp.down_proj.weight", rng, hidden, intermediate));
    }
    tensors.add(ones("model.norm.weight", hidden));
    ShardedCheckpointWriter.write(dir, tensors, Dtype.F32,
        ShardedCheckpointWriter.DEFAULT_MAX_SHARD_BYTES);
    GsonBuilder gson = new GsonBuilder().setPrettyPrinting().serializeNulls();
    JsonObject gen = new JsonObject();
    gen.addProperty("bos_token_id", 1);
    gen.addProperty("eos_token_id", 2);
    gen.addProperty("pad_token_id", 3);
    AtomicFiles.writeString(dir.resolve("generation_config.json"), gson.create().toJson(gen) + "\n");
    AtomicFiles.writeString(dir.resolve("config.json"), gson.create().toJson(config()) + "\n");
  }

  private static NamedTensor normal(String name, SplittableRandom rng, int rows, int cols) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (gaussian(rng) * INIT_STD);
    }
    return new NamedTensor(name, v, rows, cols);
  }

  private static NamedTensor ones(String name, int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return new NamedTensor(name, v, n);
  }

  /** Box–Muller: a standard normal from two uniforms of {@code rng}. */
  static double gaussian(SplittableRandom rng) {
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
