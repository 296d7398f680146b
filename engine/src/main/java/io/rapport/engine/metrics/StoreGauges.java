package io.rapport.engine.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.rapport.engine.store.Store;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the gauges counted in the store fresh (customers per stage, timers pending) at a bounded
 * cost to the store: counting scans whole tables, so a large population is counted less often.
 */
public final class StoreGauges {
  private static final Logger LOG = LoggerFactory.getLogger(StoreGauges.class);
  public static final String REFRESH = "rapport.gauges.refresh";
  /** Counts quicker than this are cheap however often they come: they never stretch the wait. */
  static final Duration CHEAP = Duration.ofMillis(100);

  private final Vertx vertx;
  private final Store store;
  private final JourneyMetrics metrics;
  private final Duration least;
  private final int spacing;
  private final AtomicLong pendingTimers = new AtomicLong();
  private final Timer took;
  private volatile long timer = -1;
  private Duration previous = Duration.ZERO;
  private volatile boolean stopped;

  /**
   * Counts now, then again after {@code least} or longer: once counts take over {@link #CHEAP},
   * {@code spacing} times as long as they took. At 100 (the default), counting costs the store at
   * most 1% of one connection's time: at 100,000 customers the counts take about 0.25 s (every
   * 25 s); at a million about 2.6 s, every four minutes and a half.
   */
  public StoreGauges(Vertx vertx, Store store, JourneyMetrics metrics, Duration least, int spacing) {
    this.vertx = vertx;
    this.store = store;
    this.metrics = metrics;
    this.least = least;
    this.spacing = spacing;
    Gauge.builder("rapport.timers.pending", pendingTimers, AtomicLong::get)
        .description("Timers scheduled and not yet fired").register(metrics.registry());
    this.took = Timer.builder(REFRESH)
        .description("Time to count the store's gauges (customers per stage, timers pending)")
        .register(metrics.registry());
  }

  public void start() {
    refresh();
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  /**
   * How long to wait after counts that took {@code previous}, then {@code latest}. The faster of
   * the two sets the pace: a count slowed by a cold start or a checkpoint stretches nothing, a
   * large population slows both.
   */
  static Duration nextAfter(Duration least, int spacing, Duration previous, Duration latest) {
    Duration took = previous.compareTo(latest) < 0 ? previous : latest;
    if (took.compareTo(CHEAP) < 0) {
      return least;
    }
    Duration spaced = took.multipliedBy(spacing);
    return spaced.compareTo(least) > 0 ? spaced : least;
  }

  private void refresh() {
    AtomicLong spentNanos = new AtomicLong();
    vertx.executeBlocking(() -> {
          long start = System.nanoTime(); // the store's time, not the wait for a worker thread
          try {
            pendingTimers.set(store.pendingTimers());
            return store.customersPerStage();
          } finally {
            spentNanos.set(System.nanoTime() - start);
          }
        }, false)
        .onSuccess(metrics::customersPerStage)
        .onFailure(e -> LOG.debug("store gauges: {}", e.getMessage()))
        .onComplete(done -> {
          Duration spent = Duration.ofNanos(spentNanos.get());
          took.record(spent);
          Duration next = nextAfter(least, spacing, previous, spent);
          previous = spent;
          if (!stopped) {
            timer = vertx.setTimer(next.toMillis(), id -> refresh());
            if (stopped) { // stop() ran between the check and the timer
              vertx.cancelTimer(timer);
            }
          }
        });
  }
}
