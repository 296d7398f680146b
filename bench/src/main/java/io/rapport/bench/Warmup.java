package io.rapport.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Decides when a load has warmed the server up: after a least time, once the JIT compiler has
 * gone quiet. On two cores the compiler takes most of a core for a minute or more of load (Drools,
 * Camel, Vert.x, Jackson and the driver are a lot of code), so a fixed short warm-up measured the
 * compiler as much as the server.
 */
final class Warmup {
  /** The compiler counts as quiet below this share of one core over a window. */
  static final double QUIET = 0.10;
  private static final Duration WINDOW = Duration.ofSeconds(5);

  private final Duration least;
  private final Duration most;
  private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
  private long started;
  private long ended;
  private long compilingAtEnd;

  Warmup(Duration least, Duration most) {
    this.least = least;
    this.most = most.compareTo(least) < 0 ? least : most;
  }

  /**
   * Waits while the load warms up, and until {@code ready} (the load's own preparation) holds;
   * returns the nano time at which the warm-up ended.
   */
  long awaitEnd(BooleanSupplier ready) throws InterruptedException {
    started = System.nanoTime();
    Thread.sleep(least.toMillis());
    long deadline = started + most.toNanos();
    while (true) {
      long t0 = System.nanoTime();
      long c0 = compilingMillis();
      Thread.sleep(WINDOW.toMillis());
      long t1 = System.nanoTime();
      double share = (compilingMillis() - c0) * 1e6 / (t1 - t0);
      if ((share < QUIET && ready.getAsBoolean()) || t1 >= deadline) {
        ended = t1;
        compilingAtEnd = compilingMillis();
        return ended;
      }
    }
  }

  double seconds() {
    return (ended - started) / 1e9;
  }

  /** Share of one core the compiler has taken since the warm-up ended: what it still cost the measurement. */
  double compilingShareSinceEnd() {
    return (compilingMillis() - compilingAtEnd) * 1e6 / (System.nanoTime() - ended);
  }

  /** Milliseconds all compiler threads have spent compiling, or 0 where the JVM does not say. */
  private long compilingMillis() {
    return compiler != null && compiler.isCompilationTimeMonitoringSupported() ? compiler.getTotalCompilationTime() : 0;
  }
}
