package dev.beaver.app.dashboard;

/**
 * Where the dashboard listens: {@code --dashboard HOST:PORT}. {@code HOST} alone, {@code :PORT}
 * or {@code PORT} alone are accepted; the defaults are 127.0.0.1 and port 0 (a free port). IPv6
 * hosts go in brackets: {@code [::1]:8080}.
 */
public record DashboardAddress(String host, int port) {
  public static final String DEFAULT_HOST = "127.0.0.1";

  public DashboardAddress {
    if (host.isBlank()) {
      throw new IllegalArgumentException("--dashboard: empty host");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--dashboard: port must be 0..65535, got " + port);
    }
  }

  /** Parses {@code HOST:PORT}, {@code HOST}, {@code :PORT} or {@code PORT}. */
  public static DashboardAddress parse(String text) {
    String s = text.strip();
    if (s.isEmpty()) {
      return new DashboardAddress(DEFAULT_HOST, 0);
    }
    String host;
    String port;
    if (s.startsWith("[")) {
      int end = s.indexOf(']');
      if (end < 0) {
        throw new IllegalArgumentException("--dashboard: missing ']' in " + text);
      }
      host = s.substring(1, end);
      String rest = s.substring(end + 1);
      port = rest.startsWith(":") ? rest.substring(1) : rest;
    } else if (s.chars().allMatch(Character::isDigit)) {
      host = DEFAULT_HOST;
      port = s;
    } else {
      int colon = s.lastIndexOf(':');
      host = colon < 0 ? s : s.substring(0, colon);
      port = colon < 0 ? "" : s.substring(colon + 1);
      if (host.isEmpty()) {
        host = DEFAULT_HOST;
      }
    }
    try {
      return new DashboardAddress(host, port.isEmpty() ? 0 : Integer.parseInt(port));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--dashboard: expected HOST:PORT, got " + text);
    }
  }
}
