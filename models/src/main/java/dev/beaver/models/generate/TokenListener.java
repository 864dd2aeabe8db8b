package dev.beaver.models.generate;

/**
 * Told about each token as soon as it is sampled, before the next forward pass, so that a caller
 * can stream text (e.g. {@code beaver serve}). Called on the generating thread; it must be quick.
 */
@FunctionalInterface
public interface TokenListener {
  /** Does nothing; the default for callers that do not stream. */
  TokenListener NONE = (row, tokenId) -> {};

  /**
   * @param row index of the prompt in the list given to generate
   * @param tokenId the sampled token (an EOS id is reported too, as the row's last token)
   */
  void onToken(int row, int tokenId);
}
