package dev.beaver.app.serve;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Turns a growing list of token ids into the text to print next.
 *
 * <p>Tokens do not map to text one by one: a SentencePiece token may start with a space that
 * only shows once a later token follows, and a character may be split over several byte tokens.
 * So the whole answer is decoded again at every token and only the new suffix is printed; a
 * suffix that ends in U+FFFD (half of a multi-byte character) is held back until the character
 * is complete. Decoding is O(n) per token, negligible next to a forward pass for n ≤ a few
 * thousand.
 */
final class StreamingDecoder {
  private static final char REPLACEMENT = '\uFFFD';

  private final Function<int[], String> decode;
  private int[] ids = new int[16];
  private int size;
  private String printed = "";

  /** @param decode ids to text (special tokens skipped) */
  StreamingDecoder(Function<int[], String> decode) {
    this.decode = decode;
  }

  /** Adds one token; returns the text to print now (may be empty). */
  String push(int id) {
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
    }
    ids[size++] = id;
    String text = decode.apply(Arrays.copyOf(ids, size));
    if (!text.isEmpty() && text.charAt(text.length() - 1) == REPLACEMENT) {
      return "";
    }
    return advance(text);
  }

  /** The text not printed yet, incomplete characters included; call once at the end. */
  String finish() {
    return advance(decode.apply(Arrays.copyOf(ids, size)));
  }

  /**
   * The part of {@code text} beyond what was printed. Text already printed cannot be taken back,
   * so when a decoder rewrites earlier characters only the new tail is shown; the answer kept
   * in the history is always decoded whole.
   */
  private String advance(String text) {
    if (text.length() <= printed.length()) {
      return "";
    }
    String next = text.substring(printed.length());
    printed = text;
    return next;
  }
}
