package dev.beaver.app.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beaver.models.tokenizer.PromptTemplate;
import dev.beaver.models.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldTokenizerTest {
  @TempDir Path dir;

  @Test
  void encodesEveryStoryOneTokenPerWordAndDecodesItBack() {
    List<String> texts = new ArrayList<>(StoryWorld.inventory());
    texts.add(PromptTemplate.prompt(DemoFiles.GENERIC_REQUEST));
    List<String> vocab = WorldTokenizer.vocabulary(texts);
    assertEquals(List.of("<unk>", "<s>", "</s>", "<pad>"), vocab.subList(0, 4));
    assertEquals(vocab, WorldTokenizer.vocabulary(texts), "deterministic");
    WorldTokenizer.write(dir, vocab, 256);
    try (Tokenizer tok = Tokenizer.load(dir)) {
      assertEquals(1, tok.bosId());
      assertEquals(2, tok.eosId());
      assertEquals(3, tok.padId());
      assertEquals(vocab.size(), tok.vocabSize());
      SplittableRandom rng = new SplittableRandom(5);
      for (int i = 0; i < 100; i++) {
        StoryWorld.Request r = StoryWorld.trainingRequest(rng);
        String story = StoryWorld.story(r, rng);
        int[] ids = tok.encode(story);
        assertEquals(1, ids[0], "starts with <s>");
        assertEquals(story.split(" ").length + 1, ids.length,
            story + " -> " + Arrays.toString(ids));
        assertTrue(Arrays.stream(ids).noneMatch(id -> id == tok.unkId()), story);
        assertEquals(story, tok.decode(ids, true));
      }
      // The training text: prompt + " " + answer + eos tokenizes as prompt tokens, then answer.
      String prompt = PromptTemplate.prompt(StoryWorld.request("Tom", "kite"));
      int[] p = tok.encode(prompt);
      int[] full = tok.encode(PromptTemplate.fullText(prompt, " Tom had a kite. The end.", "</s>"));
      assertArrayEquals(p, Arrays.copyOf(full, p.length));
      assertEquals(p.length + 7, full.length, "six words and </s>");
      assertEquals(2, full[full.length - 1]);
      assertEquals("Tom had a kite. The end.",
          tok.decode(Arrays.copyOfRange(full, p.length, full.length), true));
    }
  }
}
