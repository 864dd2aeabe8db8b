package dev.beaver.app.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DashboardAddressTest {

  @Test
  void shouldParseHostPortAndTheirDefaults() {
    assertEquals(new DashboardAddress("127.0.0.1", 0), DashboardAddress.parse(""));
    assertEquals(new DashboardAddress("127.0.0.1", 0), DashboardAddress.parse("127.0.0.1:0"));
    assertEquals(new DashboardAddress("0.0.0.0", 8080), DashboardAddress.parse("0.0.0.0:8080"));
    assertEquals(new DashboardAddress("127.0.0.1", 9000), DashboardAddress.parse(":9000"));
    assertEquals(new DashboardAddress("127.0.0.1", 9000), DashboardAddress.parse("9000"));
    assertEquals(new DashboardAddress("localhost", 0), DashboardAddress.parse("localhost"));
    assertEquals(new DashboardAddress("::1", 8080), DashboardAddress.parse("[::1]:8080"));
  }

  @Test
  void shouldRejectBadPorts() {
    assertThrows(IllegalArgumentException.class, () -> DashboardAddress.parse("host:http"));
    assertThrows(IllegalArgumentException.class, () -> DashboardAddress.parse("host:70000"));
  }
}
