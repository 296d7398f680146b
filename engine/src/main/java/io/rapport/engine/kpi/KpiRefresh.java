package io.rapport.engine.kpi;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes the KPIs on a schedule (kpi.refresh-interval), one refresh at a time, and keeps each in the store for the
 * trend (kpi.history). Gauges and GET /v1/stats read the latest refresh, so that neither costs the store a query.
 */
public final class KpiRefresh {
  private static final Logger LOG = LoggerFactory.getLogger(KpiRefresh.class);
  public static final String TOOK = "rapport.kpi.refresh";

  /** The KPIs' window, attribution window, time between two refreshes, and how long refreshes are kept. */
  public record Options(Duration window, Duration attribution, Duration interval, Duration history) {}

  private final Vertx vertx;
  private final KpiStore store;
  private final Options options;
  private final Clock clock;
  private final KpiGauges gauges;
  private final Timer took;
  private volatile KpiSnapshot latest;
  private volatile long timer = -1;
  private volatile boolean stopped;

  public KpiRefresh(Vertx vertx, KpiStore store, MeterRegistry registry, Options options, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.options = options;
    this.clock = clock;
    this.gauges = new KpiGauges(registry, options.window(), options.attribution());
    this.took = Timer.builder(TOOK).description("Time one KPI refresh took in the store").register(registry);
  }

  /** Shows the refresh kept last (if any) at once, then refreshes now and every interval. */
  public void start() {
    vertx.executeBlocking(store::latest, false)
        .onSuccess(kept -> kept.filter(k -> latest == null).ifPresent(this::show))
        .onComplete(done -> refresh());
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  /** The latest refresh, if one was made or kept. */
  public Optional<KpiSnapshot> latest() {
    return Optional.ofNullable(latest);
  }

  public Options options() {
    return options;
  }

  /** Computes and keeps one refresh now (blocking): for tools and tests. */
  public KpiSnapshot refreshNow() {
    KpiSnapshot s = store.compute(clock.instant(), options.window(), options.attribution());
    store.save(s, s.at().minus(options.history()));
    took.record(Duration.ofMillis(s.tookMillis()));
    show(s);
    return s;
  }

  private void show(KpiSnapshot s) {
    latest = s;
    gauges.show(s);
  }

  private void refresh() {
    if (stopped) {
      return;
    }
    vertx.executeBlocking(this::refreshNow, false)
        .onFailure(e -> LOG.warn("KPI refresh failed; the gauges keep the last one", e))
        .onComplete(done -> {
          if (!stopped) {
            timer = vertx.setTimer(Math.max(1, options.interval().toMillis()), id -> refresh());
          }
        });
  }
}
