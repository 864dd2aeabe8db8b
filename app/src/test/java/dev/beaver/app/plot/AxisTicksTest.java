package dev.beaver.app.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class AxisTicksTest {

  @Test
  void ticksAreNiceAndCoverTheData() {
    AxisTicks t = AxisTicks.covering(-3.7, 12.1, 8);
    assertEquals(2.0, t.step(), 1e-12);
    assertEquals(-4.0, t.lo(), 1e-12);
    assertEquals(14.0, t.hi(), 1e-12);
    assertEquals(List.of("-4", "-2", "0", "2", "4", "6", "8", "10", "12", "14"), t.labels());
  }

  @Test
  void fractionalStepsGetEnoughDecimals() {
    AxisTicks t = AxisTicks.covering(0, 1, 4);
    assertEquals(0.25, t.step(), 1e-12);
    assertEquals(List.of("0.00", "0.25", "0.50", "0.75", "1.00"), t.labels());
    assertEquals(List.of("0.0", "2.5", "5.0"), AxisTicks.covering(0, 5, 2).labels());
  }

  @Test
  void aSingleValueGetsAUnitWideAxis() {
    AxisTicks t = AxisTicks.covering(2, 2, 5);
    assertArrayEquals(new double[] {1.4, 1.6, 1.8, 2.0, 2.2, 2.4, 2.6}, t.values(), 1e-9);
  }

  @Test
  void countsGetWholeNumberTicks() {
    assertEquals(List.of("0", "1", "2"), AxisTicks.integers(0, 2, 6).labels());
    assertEquals(List.of("0", "20", "40"), AxisTicks.integers(0, 37, 2).labels());
  }

  @Test
  void rejectsNonFiniteOrInvertedRanges() {
    assertThrows(IllegalArgumentException.class, () -> AxisTicks.covering(Double.NaN, 1, 5));
    assertThrows(IllegalArgumentException.class, () -> AxisTicks.covering(2, 1, 5));
    assertThrows(IllegalArgumentException.class, () -> AxisTicks.covering(0, 1, 0));
  }
}
