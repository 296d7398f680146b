package io.rapport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.CompilationMXBean;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class WarmupTest {
  private static final Duration WINDOW = Duration.ofMillis(50);
  private static final Duration SPAN = Duration.ofMillis(300);

  @Test
  void theWarmUpLastsUntilTheCompilerHasBeenQuietForAWholeSpan() throws Exception {
    long t0 = System.nanoTime();
    // a core's worth of compiling for the first 400 ms, then none
    Warmup warm = new Warmup(Duration.ZERO, Duration.ofSeconds(10), compiler(() -> Math.min(ms(t0), 400)), WINDOW, SPAN);
    warm.awaitEnd(() -> true);
    assertThat(ms(t0)).isGreaterThanOrEqualTo(400 + SPAN.toMillis());
  }

  @Test
  void aQuietMomentBetweenBurstsDoesNotEndTheWarmUp() throws Exception {
    long t0 = System.nanoTime();
    // busy, quiet for 100 ms (two windows), busy again until 600 ms, then quiet
    Warmup warm = new Warmup(Duration.ZERO, Duration.ofSeconds(10), compiler(() -> {
      long t = ms(t0);
      return t < 200 ? t : t < 300 ? 200 : Math.min(t, 600) - 100;
    }), WINDOW, SPAN);
    warm.awaitEnd(() -> true);
    assertThat(ms(t0)).isGreaterThanOrEqualTo(600 + SPAN.toMillis());
  }

  @Test
  void aCompilerThatNeverSettlesEndsTheWarmUpAtItsLongestAndShowsInTheMeasuredWindow() throws Exception {
    long t0 = System.nanoTime();
    CompilationMXBean compiler = compiler(() -> ms(t0));
    Warmup warm = new Warmup(Duration.ZERO, Duration.ofMillis(500), compiler, WINDOW, SPAN);
    warm.awaitEnd(() -> true);
    assertThat(ms(t0)).isBetween(500L, 2_000L);
    JvmUse windowBegins = JvmUse.read(compiler, List.of());
    Thread.sleep(200);
    assertThat(JvmUse.read(compiler, List.of()).since(windowBegins).getDouble("jit_share")).isGreaterThan(0.5);
  }

  @Test
  void theLoadsHistoryIsSentInFullEvenPastTheLongestWarmUp() throws Exception {
    long t0 = System.nanoTime();
    Warmup warm = new Warmup(Duration.ZERO, Duration.ofMillis(100), compiler(() -> 0L), WINDOW, SPAN);
    warm.awaitEnd(() -> ms(t0) >= 800); // the history takes 800 ms to send
    assertThat(ms(t0)).isGreaterThanOrEqualTo(800);
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  /** A compiler whose total compiling time is {@code millis}. */
  private static CompilationMXBean compiler(LongSupplier millis) {
    return new CompilationMXBean() {
      @Override
      public String getName() {
        return "test";
      }

      @Override
      public boolean isCompilationTimeMonitoringSupported() {
        return true;
      }

      @Override
      public long getTotalCompilationTime() {
        return millis.getAsLong();
      }

      @Override
      public javax.management.ObjectName getObjectName() {
        return null;
      }
    };
  }
}
