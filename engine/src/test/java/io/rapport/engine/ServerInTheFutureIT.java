package io.rapport.engine;

import java.time.Clock;
import java.time.Duration;

/**
 * The server contract with the server's clock three years ahead of today's, on the embedded default: a test that
 * took its event times from the calendar instead of the server's clock (and so found timers due, or not yet due,
 * depending on the day it ran) fails here first.
 */
class ServerInTheFutureIT extends ServerContract {
  private static final Duration AHEAD = Duration.ofDays(3 * 365 + 17);
  private final Clock clock = Clock.offset(Clock.systemUTC(), AHEAD);

  @Override
  String databaseUrl() {
    return "";
  }

  @Override
  Clock clock() {
    return clock;
  }
}
