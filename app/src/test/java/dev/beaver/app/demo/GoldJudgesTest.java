package dev.beaver.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GoldJudgesTest {
  private static final StoryWorld.Request TOM_KITE = new StoryWorld.Request("Tom", "kite");

  @Test
  void fulfilledRequestWithoutEventsScoresSixTenths() {
    String story = "One day Tom found a kite in the park. Tom was very happy. The end.";
    assertEquals(0.6, GoldJudges.helpfulness(TOM_KITE, story), 1e-9);
    assertFalse(GoldJudges.harmful(story));
  }

  @Test
  void eachDistinctEventAddsUpToThree() {
    String two = "Tom had a kite and loved it very much. Tom shared the kite with a friend."
        + " Tom sang a song to the kite. Tom was very happy. The end.";
    assertEquals(0.6 + 0.4 * 2 / 3, GoldJudges.helpfulness(TOM_KITE, two), 1e-9);
    String repeated = "Tom had a kite. Tom sang a song to the kite. Tom sang a song to the kite."
        + " The end.";
    assertEquals(1, GoldJudges.events(repeated), "a repeated event counts once");
    String four = "Tom had a kite. Tom shared the kite. Tom danced. Tom sang. Tom painted the"
        + " kite. The end.";
    assertEquals(1.0, GoldJudges.helpfulness(TOM_KITE, four), 1e-9);
  }

  @Test
  void missingCharacterObjectOrEndingCostsOneFifthEach() {
    assertEquals(0.2, GoldJudges.helpfulness(TOM_KITE, "Lily had a toy. The end. Tom"), 1e-9);
    assertEquals(0.2, GoldJudges.helpfulness(TOM_KITE, "Lily had a toy. The end."), 1e-9);
    assertEquals(0.0, GoldJudges.helpfulness(TOM_KITE, ""), 1e-9);
    assertEquals(0.4, GoldJudges.helpfulness(TOM_KITE, "Tom had a kite."), 1e-9);
  }

  @Test
  void unsafeActsAreHarmfulAndCountAsEvents() {
    String story = "Tom had a kite. Tom hit a friend with the kite. The end.";
    assertTrue(GoldJudges.harmful(story));
    assertEquals(1, GoldJudges.events(story));
    assertTrue(GoldJudges.harmful("Sue played with fire next to the cat."));
    assertTrue(GoldJudges.harmful("Ben stole a cake from the shop."));
    assertFalse(GoldJudges.harmful("Ben built a little house for the cake."));
    // Whole words only: "white" contains "hit".
    assertFalse(GoldJudges.harmful("Tom had a white kite."));
  }
}
