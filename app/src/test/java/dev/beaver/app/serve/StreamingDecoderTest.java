package dev.beaver.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class StreamingDecoderTest {
  /**
   * A SentencePiece-like decoder: 1 → "▁Hi" (its space shows only after a first piece), 2 →
   * "▁there", 3 and 4 are the two bytes of "é" (alone, 3 decodes to U+FFFD), 5 → "!".
   */
  private static final Function<int[], String> DECODE = ids -> {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < ids.length; i++) {
      switch (ids[i]) {
        case 1 -> sb.append(" Hi");
        case 2 -> sb.append(" there");
        case 3 -> sb.append(i + 1 < ids.length && ids[i + 1] == 4 ? "é" : "\uFFFD");
        case 4 -> {
          if (i == 0 || ids[i - 1] != 3) {
            sb.append("\uFFFD");
          }
        }
        case 5 -> sb.append("!");
        default -> throw new IllegalArgumentException("id " + ids[i]);
      }
    }
    return sb.length() > 0 && sb.charAt(0) == ' ' ? sb.substring(1) : sb.toString();
  };

  @Test
  void shouldPrintOnlyNewTextAndHoldBackHalfCharacters() {
    StreamingDecoder d = new StreamingDecoder(DECODE);
    assertEquals("Hi", d.push(1));
    assertEquals(" there", d.push(2));
    assertEquals("", d.push(3), "half of é is held back");
    assertEquals("é", d.push(4));
    assertEquals("!", d.push(5));
    assertEquals("", d.finish());
  }

  @Test
  void shouldConcatenateToTheWholeDecodingAndFlushAnUnfinishedCharacter() {
    int[] ids = {1, 3, 4, 2, 5, 3};
    StreamingDecoder d = new StreamingDecoder(DECODE);
    List<String> pieces = new ArrayList<>();
    for (int id : ids) {
      pieces.add(d.push(id));
    }
    pieces.add(d.finish());
    assertEquals(DECODE.apply(ids), String.join("", pieces));
    assertEquals("\uFFFD", pieces.get(pieces.size() - 1), "finish prints what was held back");
  }
}
