package io.rapport.engine.timers;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rapport.engine.ingest.Decider;
import io.rapport.engine.store.ClaimedTimers;
import io.rapport.engine.store.DueTimer;
import io.rapport.engine.store.Store;
import io.rapport.rules.Touchpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires durable timers by the wall clock: claims due timers (a lease, so a crashed server's
 * claims come back; SKIP LOCKED, so two servers never hold the same one) and hands each to the
 * partition pipeline as a touchpoint of type timer (handed over as it is: it never leaves the
 * process). Its id is derived from customer, name and due time, so a timer fired twice is decided
 * once; deciding it deletes the timer.
 */
public final class TimerScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(TimerScheduler.class);
  public static final String FIRED = "rapport.timers.fired";
  public static final String LAG = "rapport.timers.lag";

  /** The options of the timers. */
  public record Options(Duration pollInterval, int batch, Duration lease) {}

  private final Decider decider;
  private final Store store;
  private final Clock clock;
  private final Duration pollInterval;
  private final int batch;
  private final Duration lease;
  private final Counter fired;
  private final Timer lag;
  private final Thread thread;
  private volatile boolean running = true;

  public TimerScheduler(Decider decider, Store store, MeterRegistry registry, Clock clock, Options options) {
    this.decider = decider;
    this.store = store;
    this.clock = clock;
    this.pollInterval = options.pollInterval();
    this.batch = options.batch();
    this.lease = options.lease();
    this.fired = Counter.builder(FIRED).description("Timers fired").register(registry);
    this.lag = Timer.builder(LAG).description("How late timers fire after they fall due")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry);
    this.thread = new Thread(this::run, "rapport-timers");
  }

  public void start() {
    thread.start();
  }

  public void stop() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(10_000);
  }

  private void run() {
    while (running) {
      try {
        if (!fireOnce().tookAll(batch)) {
          Thread.sleep(pollInterval.toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.warn("timers: a claim of due timers failed", e);
        try {
          Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Claims and fires one batch of due timers; returns what the claim took. */
  ClaimedTimers fireOnce() throws InterruptedException {
    Instant now = clock.instant();
    ClaimedTimers claim = store.claimDueTimers(now, batch, lease);
    List<DueTimer> due = claim.due();
    if (due.isEmpty()) {
      return claim;
    }
    List<Touchpoint> touchpoints = new ArrayList<>(due.size());
    for (DueTimer t : due) {
      touchpoints.add(Touchpoint.timer(t.customerId(), t.name(), t.dueAt(), t.payload()));
    }
    try {
      decider.decide(touchpoints).get(lease.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // The claims lapse and the timers are fired again; their ids make that safe.
      LOG.warn("{} due timers not fired yet", due.size(), e);
      return new ClaimedTimers(List.of(), 0);
    }
    fired.increment(due.size());
    Instant after = clock.instant();
    due.forEach(t -> lag.record(Duration.between(t.dueAt(), after)));
    return claim;
  }
}
