package io.rapport.engine.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.rapport.engine.store.Census;
import io.rapport.engine.store.CensusSlice;
import io.rapport.engine.store.Store;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the gauges counted in the store fresh (customers per stage, timers pending) at a bounded cost to the store:
 * a census is counted a slice of a table at a time, with pauses between slices, and published once complete.
 */
public final class StoreGauges {
  private static final Logger LOG = LoggerFactory.getLogger(StoreGauges.class);
  public static final String REFRESH = "rapport.gauges.refresh";
  /**
   * Heap pages per slice (2 MiB on PostgreSQL): 3 ms of counting on an idle machine. A whole-table count took up to
   * half a second of a core under full load at 100,000 customers, and stalled every request meanwhile on two cores.
   */
  static final int SLICE_PAGES = 256;

  /**
   * A census begins {@code least} after the one before began, or later: after each slice, the next waits {@code
   * spacing} times as long as the slice took.
   */
  public record Options(Duration least, int spacing) {}

  private final Vertx vertx;
  private final Store store;
  private final JourneyMetrics metrics;
  private final Duration least;
  private final int spacing;
  private final AtomicLong pendingTimers = new AtomicLong();
  private final Timer took;
  private volatile long timer = -1;
  private Duration previousSlice = Duration.ZERO;
  private volatile boolean stopped;

  /**
   * Takes a census now, then again {@code least} after each one began, or later: after each slice, the next waits
   * {@code spacing} times as long as the slice took. At 100 (the default), counting takes at most 1% of one
   * connection's time.
   */
  public StoreGauges(Vertx vertx, Store store, JourneyMetrics metrics, Options options) {
    this.vertx = vertx;
    this.store = store;
    this.metrics = metrics;
    this.least = options.least();
    this.spacing = options.spacing();
    Gauge.builder("rapport.timers.pending", pendingTimers, AtomicLong::get)
        .description("Timers scheduled and not yet fired").register(metrics.registry());
    this.took = Timer.builder(REFRESH)
        .description("Time the store spent counting the gauges (customers per stage, timers pending), summed over a census's slices")
        .register(metrics.registry());
  }

  public void start() {
    census();
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  /**
   * How long to wait after a slice that took {@code latest}, the one before it {@code previous}. The faster of the
   * two sets the pace, so one slice slowed by a checkpoint or a cold cache stretches nothing.
   */
  static Duration pauseAfter(int spacing, Duration previous, Duration latest) {
    return (previous.compareTo(latest) < 0 ? previous : latest).multipliedBy(spacing);
  }

  /** When to begin the next census, once the last slice of one that began {@code sinceBegan} ago is counted. */
  static Duration nextCensusIn(Duration least, Duration sinceBegan, Duration pause) {
    Duration rest = least.minus(sinceBegan);
    return rest.compareTo(pause) > 0 ? rest : pause;
  }

  private void census() {
    long began = System.nanoTime();
    vertx.executeBlocking(() -> store.censusSlices(SLICE_PAGES), false)
        .onSuccess(slices -> count(slices, 0, Census.NONE, Duration.ZERO, began))
        .onFailure(e -> {
          LOG.debug("store gauges: the tables could not be sized", e);
          after(least, this::census);
        });
  }

  private void count(List<CensusSlice> slices, int next, Census counted, Duration spent, long began) {
    AtomicLong sliceNanos = new AtomicLong();
    vertx.executeBlocking(() -> {
          long start = System.nanoTime(); // the store's time, not the wait for a worker thread
          try {
            return store.census(slices.get(next));
          } finally {
            sliceNanos.set(System.nanoTime() - start);
          }
        }, false)
        .onComplete(done -> {
          Duration slice = Duration.ofNanos(sliceNanos.get());
          Duration pause = pauseAfter(spacing, previousSlice, slice);
          previousSlice = slice;
          Duration sinceBegan = Duration.ofNanos(System.nanoTime() - began);
          if (done.failed()) { // a census missing a slice would show customers gone: publish none
            LOG.debug("store gauges: a slice could not be counted", done.cause());
            after(nextCensusIn(least, sinceBegan, pause), this::census);
          } else if (next + 1 < slices.size()) {
            Census sum = counted.plus(done.result());
            after(pause, () -> count(slices, next + 1, sum, spent.plus(slice), began));
          } else {
            Census census = counted.plus(done.result());
            metrics.customersPerStage(census.customersPerStage());
            pendingTimers.set(census.pendingTimers());
            took.record(spent.plus(slice));
            after(nextCensusIn(least, sinceBegan, pause), this::census);
          }
        });
  }

  private void after(Duration wait, Runnable then) {
    if (stopped) {
      return;
    }
    timer = vertx.setTimer(Math.max(1, wait.toMillis()), id -> then.run());
    if (stopped) { // stop() ran between the check and the timer
      vertx.cancelTimer(timer);
    }
  }
}
