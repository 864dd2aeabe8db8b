package dev.beaver.app.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.beaver.models.io.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a word-level Hugging Face tokenizer for the demo's world: {@code tokenizer.json}
 * (model {@code WordLevel}, {@code Metaspace} pre-tokenizer and decoder, a LLaMA-style
 * post-processor that adds {@code <s>}), {@code tokenizer_config.json} and {@code
 * special_tokens_map.json}, so that {@code Tokenizer.load} reads it like any model's.
 *
 * <p>The world has a closed vocabulary, so one token per space-separated word (punctuation
 * attached: "kite." and "kite" are two tokens) encodes every story exactly and decodes it back
 * character for character. The vocabulary is every word of the training texts, sorted
 * (deterministic), after the four special tokens {@code <unk> <s> </s> <pad>} (ids 0–3).
 */
public final class WorldTokenizer {
  public static final String UNK = "<unk>";
  public static final String BOS = "<s>";
  public static final String EOS = "</s>";
  public static final String PAD = "<pad>";
  private static final List<String> SPECIALS = List.of(UNK, BOS, EOS, PAD);
  private static final String SPACE = "\u2581";

  private WorldTokenizer() {}

  /** The vocabulary of {@code texts}: specials first, then every word, sorted. */
  public static List<String> vocabulary(Collection<String> texts) {
    java.util.TreeSet<String> words = new java.util.TreeSet<>();
    for (String t : texts) {
      for (String w : t.split(" ")) {
        if (!w.isEmpty()) {
          words.add(SPACE + w);
        }
      }
    }
    List<String> out = new ArrayList<>(SPECIALS);
    out.addAll(words);
    return out;
  }

  /** Writes the tokenizer files of {@code vocabulary} into {@code dir}. */
  public static void write(Path dir, List<String> vocabulary, int modelMaxLength) {
    Map<String, Integer> ids = new TreeMap<>();
    for (int i = 0; i < vocabulary.size(); i++) {
      ids.put(vocabulary.get(i), i);
    }
    JsonObject root = new JsonObject();
    root.addProperty("version", "1.0");
    root.add("truncation", null);
    root.add("padding", null);
    JsonArray added = new JsonArray();
    for (String s : SPECIALS) {
      JsonObject t = new JsonObject();
      t.addProperty("id", ids.get(s));
      t.addProperty("content", s);
      t.addProperty("single_word", false);
      t.addProperty("lstrip", false);
      t.addProperty("rstrip", false);
      t.addProperty("normalized", false);
      t.addProperty("special", true);
      added.add(t);
    }
    root.add("added_tokens", added);
    root.add("normalizer", null);
    root.add("pre_tokenizer", metaspace());
    root.add("post_processor", bosTemplate(ids.get(BOS)));
    root.add("decoder", metaspace());
    JsonObject model = new JsonObject();
    model.addProperty("type", "WordLevel");
    JsonObject vocab = new JsonObject();
    for (int i = 0; i < vocabulary.size(); i++) {
      vocab.addProperty(vocabulary.get(i), i);
    }
    model.add("vocab", vocab);
    model.addProperty("unk_token", UNK);
    root.add("model", model);
    GsonBuilder gson = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping();
    AtomicFiles.writeString(dir.resolve("tokenizer.json"), gson.create().toJson(root) + "\n");

    JsonObject config = specialsMap();
    config.addProperty("add_bos_token", true);
    config.addProperty("add_eos_token", false);
    config.addProperty("model_max_length", modelMaxLength);
    config.addProperty("clean_up_tokenization_spaces", false);
    config.addProperty("tokenizer_class", "PreTrainedTokenizerFast");
    AtomicFiles.writeString(dir.resolve("tokenizer_config.json"),
        gson.create().toJson(config) + "\n");
    AtomicFiles.writeString(dir.resolve("special_tokens_map.json"),
        gson.create().toJson(specialsMap()) + "\n");
  }

  private static JsonObject specialsMap() {
    JsonObject m = new JsonObject();
    m.addProperty("bos_token", BOS);
    m.addProperty("eos_token", EOS);
    m.addProperty("unk_token", UNK);
    m.addProperty("pad_token", PAD);
    return m;
  }

  private static JsonObject metaspace() {
    JsonObject m = new JsonObject();
    m.addProperty("type", "Metaspace");
    m.addProperty("replacement", SPACE);
    m.addProperty("prepend_scheme", "always");
    m.addProperty("split", true);
    return m;
  }

  /** LLaMA's post-processor: {@code <s>} before the text. */
  private static JsonObject bosTemplate(int bosId) {
    JsonObject p = new JsonObject();
    p.addProperty("type", "TemplateProcessing");
    JsonArray single = new JsonArray();
    single.add(special(0));
    single.add(sequence("A", 0));
    JsonArray pair = new JsonArray();
    pair.add(special(0));
    pair.add(sequence("A", 0));
    pair.add(special(1));
    pair.add(sequence("B", 1));
    p.add("single", single);
    p.add("pair", pair);
    JsonObject specials = new JsonObject();
    JsonObject bos = new JsonObject();
    bos.addProperty("id", BOS);
    JsonArray idList = new JsonArray();
    idList.add(bosId);
    bos.add("ids", idList);
    JsonArray tokens = new JsonArray();
    tokens.add(BOS);
    bos.add("tokens", tokens);
    specials.add(BOS, bos);
    p.add("special_tokens", specials);
    return p;
  }

  private static JsonObject special(int typeId) {
    JsonObject inner = new JsonObject();
    inner.addProperty("id", BOS);
    inner.addProperty("type_id", typeId);
    JsonObject o = new JsonObject();
    o.add("SpecialToken", inner);
    return o;
  }

  private static JsonObject sequence(String id, int typeId) {
    JsonObject inner = new JsonObject();
    inner.addProperty("id", id);
    inner.addProperty("type_id", typeId);
    JsonObject o = new JsonObject();
    o.add("Sequence", inner);
    return o;
  }
}
