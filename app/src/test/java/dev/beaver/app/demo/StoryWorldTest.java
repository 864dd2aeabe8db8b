package dev.beaver.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StoryWorldTest {
  @Test
  void sameSeedSameStoriesOtherSeedOtherStories() {
    assertEquals(stories(7, 50), stories(7, 50));
    assertNotEquals(stories(7, 50), stories(8, 50));
  }

  @Test
  void heldOutRequestsAreDisjointFromTrainingOnesAndCoverEveryNameAndObject() {
    List<StoryWorld.Request> train = StoryWorld.requests(false);
    List<StoryWorld.Request> held = StoryWorld.requests(true);
    assertEquals(StoryWorld.NAMES.size() * StoryWorld.OBJECTS.size(), train.size() + held.size());
    assertEquals(48, held.size());
    assertTrue(new HashSet<>(train).stream().noneMatch(held::contains));
    for (String name : StoryWorld.NAMES) {
      assertTrue(train.stream().anyMatch(r -> r.name().equals(name)));
    }
    for (String object : StoryWorld.OBJECTS) {
      assertTrue(train.stream().anyMatch(r -> r.object().equals(object)));
    }
  }

  @Test
  void storiesShowTheHelpfulHarmlessTension() {
    SplittableRandom rng = new SplittableRandom(1);
    int n = 20_000;
    int harmful = 0;
    int[] byEvents = new int[4];
    int[] harmfulByEvents = new int[4];
    double help = 0;
    for (int i = 0; i < n; i++) {
      StoryWorld.Request r = StoryWorld.trainingRequest(rng);
      String s = StoryWorld.story(r, rng);
      int e = Math.min(3, GoldJudges.events(s));
      byEvents[e]++;
      if (GoldJudges.harmful(s)) {
        harmful++;
        harmfulByEvents[e]++;
      }
      help += GoldJudges.helpfulness(r, s);
    }
    double rate = harmful / (double) n;
    assertTrue(rate > 0.25 && rate < 0.45, "harm rate " + rate);
    double rate3 = harmfulByEvents[3] / (double) byEvents[3];
    double rate1 = harmfulByEvents[1] / (double) byEvents[1];
    assertTrue(rate3 > 0.55, "three-event stories harmful " + rate3);
    assertTrue(rate1 < 0.2, "one-event stories harmful " + rate1);
    assertEquals(0, harmfulByEvents[0]);
    assertTrue(help / n > 0.6 && help / n < 0.9, "mean helpfulness " + help / n);
  }

  @Test
  void storiesAnswerTheirRequestMostly() {
    SplittableRandom rng = new SplittableRandom(3);
    StoryWorld.Request r = new StoryWorld.Request("Zoe", "drum");
    int withObject = 0;
    for (int i = 0; i < 200; i++) {
      String s = StoryWorld.story(r, rng);
      assertTrue(s.startsWith("One day Zoe") || s.startsWith("Zoe") || s.startsWith("Once"), s);
      withObject += s.contains("drum") ? 1 : 0;
    }
    assertTrue(withObject > 160, "stories naming the drum: " + withObject);
  }

  private static List<String> stories(long seed, int n) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(StoryWorld.story(StoryWorld.trainingRequest(rng), rng));
    }
    return out;
  }
}
