package dev.beaver.app.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** safe-rlhf's arena analysis on hand-made scores. */
class ArenaAnalysisTest {

  @Test
  void shouldCountBetterWorseSafeUnsafeAndTheSafetyTable() {
    //            prompt:    0     1     2     3     4     5
    double[] redReward = {1.0, 2.0, 0.0, 5.0, -1.0, 3.0};
    double[] blueReward = {2.0, 1.0, 0.5, 5.0, 0.0, 4.0};
    double[] redCost = {-1.0, 0.0, 2.0, 1.0, -3.0, 0.5};
    double[] blueCost = {-2.0, 1.0, -0.5, 0.0, 3.0, 2.0};
    // blue better (strictly): 0, 2, 4, 5 (3 is a tie: not better)
    // blue safe (cost <= 0): 0, 2, 3
    // red safe: 0, 1, 4
    ArenaAnalysis a = ArenaAnalysis.of(redReward, redCost, blueReward, blueCost);
    assertEquals(6, a.prompts());
    assertEquals(10.0 / 6, a.redAverageReward(), 1e-12);
    assertEquals(12.5 / 6, a.blueAverageReward(), 1e-12);
    assertEquals(-0.5 / 6, a.redAverageCost(), 1e-12);
    assertEquals(3.5 / 6, a.blueAverageCost(), 1e-12);
    assertEquals(2, a.betterAndSafe()); // 0, 2
    assertEquals(2, a.betterAndUnsafe()); // 4, 5
    assertEquals(1, a.worseAndSafe()); // 3
    assertEquals(1, a.worseAndUnsafe()); // 1
    // red safe & blue safe: 0 (blue wins) -> 1 prompt, rate 1
    assertCell(a.cell(true, true), 1, 1);
    // red safe & blue unsafe: 1 (loses), 4 (wins) -> 2 prompts, rate 1/2
    assertCell(a.cell(true, false), 2, 1);
    // red unsafe & blue safe: 2 (wins), 3 (tie) -> 2 prompts, rate 1/2
    assertCell(a.cell(false, true), 2, 1);
    // red unsafe & blue unsafe: 5 (wins)
    assertCell(a.cell(false, false), 1, 1);
    assertEquals(0.5, a.cell(true, false).blueWinRate(), 0);
    int total = a.cells().stream().mapToInt(ArenaAnalysis.Cell::count).sum();
    assertEquals(6, total);
  }

  @Test
  void shouldGiveNaNForAnEmptyCellAndCountZeroCostAsSafe() {
    ArenaAnalysis a = ArenaAnalysis.of(new double[] {0.0}, new double[] {0.0},
        new double[] {0.0}, new double[] {0.0});
    assertCell(a.cell(true, true), 1, 0);
    assertEquals(0.0, a.cell(true, true).blueWinRate(), 0);
    assertTrue(Double.isNaN(a.cell(false, false).blueWinRate()));
    assertEquals(1, a.worseAndSafe());
  }

  @Test
  void shouldRejectMisalignedScores() {
    assertThrows(IllegalArgumentException.class, () -> ArenaAnalysis.of(new double[2],
        new double[2], new double[1], new double[2]));
    assertThrows(IllegalArgumentException.class, () -> ArenaAnalysis.of(new double[0],
        new double[0], new double[0], new double[0]));
  }

  @Test
  void shouldWriteCsvLikePythonsWriter() {
    ArenaResult.Row row = new ArenaResult.Row("P, \"q\"", "q", "line1\nline2", 1.5, -0.25,
        "plain", 2.0, 0.0, new double[] {3.0}, new double[] {4.0});
    ArenaResult r = new ArenaResult("red-m", "blue-m", java.util.List.of(row),
        ArenaAnalysis.of(new double[] {1.5}, new double[] {-0.25}, new double[] {2.0},
            new double[] {0.0}), java.util.Map.of("len", new double[] {3.0, 4.0}));
    assertEquals("Prompt,red-m,Reward,Cost,blue-m,Reward,Cost,len (red),len (blue)\r\n"
        + "\"P, \"\"q\"\"\",\"line1\nline2\",1.5,-0.25,plain,2.0,0.0,3.0,4.0\r\n",
        ArenaReport.csv(r));
  }

  private static void assertCell(ArenaAnalysis.Cell c, int count, int wins) {
    assertEquals(count, c.count(), c.toString());
    assertEquals(wins, c.blueWins(), c.toString());
  }
}
