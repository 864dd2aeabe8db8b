package dev.beaver.app.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BigBenchScoringTest {

  @Test
  void choicesAreNormalisedByLogSumExp() {
    double[] n = BigBenchScoring.normalizeChoices(new double[] {-1, -2, -3});
    double lse = Math.log(Math.exp(-1) + Math.exp(-2) + Math.exp(-3)); // -0.59239...
    assertArrayEquals(new double[] {-1 - lse, -2 - lse, -3 - lse}, n, 1e-12);
    assertEquals(1.0, Math.exp(n[0]) + Math.exp(n[1]) + Math.exp(n[2]), 1e-12);
    assertEquals(-0.40760596444438, n[0], 1e-12);
  }

  @Test
  void largeLogProbsDoNotOverflowAndAZeroScoreIsMinusInfinity() {
    double[] n = BigBenchScoring.normalizeChoices(new double[] {-1000, -1001, 0});
    assertEquals(Double.NEGATIVE_INFINITY, n[2]); // upstream: empty target -> -inf
    assertEquals(-Math.log1p(Math.exp(-1)), n[0], 1e-12);
    double[] allEmpty = BigBenchScoring.normalizeChoices(new double[] {0, 0});
    assertEquals(Double.NEGATIVE_INFINITY, allEmpty[0]);
  }

  @Test
  void gradeTakesTheTargetScoreOfTheFirstMostLikelyChoice() {
    List<double[]> lp = List.of(new double[] {-3, -1, -2}, new double[] {-1, -1}, new double[] {-5, -4});
    List<List<String>> choices = List.of(List.of("a", "b", "c"), List.of("x", "y"), List.of("p", "q"));
    List<Map<String, Double>> scores = List.of(
        Map.of("a", 0.0, "b", 1.0, "c", 0.0), // right
        Map.of("x", 0.0, "y", 1.0), // tie: the first (x) is taken, as list.index(max)
        Map.of("p", 1.0, "q", 0.5)); // partial credit
    assertEquals((1.0 + 0.0 + 0.5) / 3, BigBenchScoring.multipleChoiceGrade(lp, choices, scores), 1e-12);
    assertEquals(1, BigBenchScoring.argmax(new double[] {0, 2, 2}));
    assertEquals((1 / 3.0 + 0.5 + 0.75) / 3, BigBenchScoring.randomChoiceGrade(scores), 1e-12);
  }

  @Test
  void exactMatchAcceptsAnyTarget() {
    assertEquals(2 / 3.0, BigBenchScoring.exactStrMatch(
        List.of(List.of("yes", "Yes"), List.of("no"), List.of("4")), List.of("Yes", "No", "4")), 1e-12);
  }

  @Test
  void postprocessingKeepsTheStopStringAndAppliesTheRegex() {
    assertEquals("The answer is 4.", BigBenchScoring.postprocess("The answer is 4. And more", ".", null));
    // upstream cuts only when the stop string is found after position 0
    assertEquals("\nabc\nd", BigBenchScoring.postprocess("\nabc\nd", "\n", null));
    assertEquals("4", BigBenchScoring.postprocess("The answer is 4. And 5.", ".", "\\d+"));
    assertEquals("4", BigBenchScoring.postprocess("answer: 4!", null, "answer: (\\d)"));
    assertEquals("", BigBenchScoring.postprocess("no digits", null, "\\d+"));
    assertThrows(IllegalArgumentException.class,
        () -> BigBenchScoring.postprocess("ab", null, "(a)(b)"));
  }
}
