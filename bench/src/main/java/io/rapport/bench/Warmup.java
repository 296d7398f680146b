package io.rapport.bench;

import java.lang.management.CompilationMXBean;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * Decides when a load has warmed the server up: after a least time, once the JIT compiler has
 * gone quiet. On two cores the compiler takes most of a core for a minute or more of load (Drools,
 * Camel, Vert.x, Jackson and the driver are a lot of code), so a fixed short warm-up measured the
 * compiler as much as the server. Quiet means quiet for a while: C2 works through its queue in
 * bursts (one method can take seconds), and a single quiet moment was often followed by more
 * than a core of compiling through the measured window.
 */
final class Warmup {
  /** The compiler counts as quiet below this share of one core over the last {@link #SPAN}. */
  static final double QUIET = 0.10;
  static final Duration SPAN = Duration.ofSeconds(30);
  static final Duration WINDOW = Duration.ofSeconds(5);

  private final Duration least;
  private final Duration most;
  private final CompilationMXBean compiler;
  private final Duration window;
  private final Duration span;
  private long started;
  private long ended;

  /** {@code compiler} is the server JVM's. */
  Warmup(Duration least, Duration most, CompilationMXBean compiler) {
    this(least, most, compiler, WINDOW, SPAN);
  }

  Warmup(Duration least, Duration most, CompilationMXBean compiler, Duration window, Duration span) {
    this.least = least;
    this.compiler = compiler;
    this.most = most.compareTo(least) < 0 ? least : most;
    this.window = window;
    this.span = span;
  }

  /**
   * Waits while the load warms up, and until {@code ready} (the load's own preparation, which the
   * longest warm-up does not cut short) holds; returns the nano time at which the warm-up ended.
   */
  long awaitEnd(BooleanSupplier ready) throws InterruptedException {
    started = System.nanoTime();
    Thread.sleep(least.toMillis());
    long deadline = started + most.toNanos();
    // the readings at the end of each window, the oldest first, spanning the span at most
    ArrayDeque<Reading> readings = new ArrayDeque<>();
    readings.add(new Reading(compilingMillis(), System.nanoTime()));
    while (true) {
      Thread.sleep(window.toMillis());
      Reading now = new Reading(compilingMillis(), System.nanoTime());
      readings.add(now);
      Reading first = readings.peekFirst();
      boolean spanned = now.nanos - first.nanos >= span.toNanos();
      double share = (now.compilingMillis - first.compilingMillis) * 1e6 / (now.nanos - first.nanos);
      if (((spanned && share < QUIET) || now.nanos >= deadline) && ready.getAsBoolean()) {
        ended = now.nanos;
        return ended;
      }
      if (spanned) {
        readings.removeFirst();
      }
    }
  }

  /** The compiler's total time so far, and when it was read. */
  private record Reading(long compilingMillis, long nanos) {}

  double seconds() {
    return (ended - started) / 1e9;
  }

  private long compilingMillis() {
    return JvmUse.compilingMillis(compiler);
  }
}
