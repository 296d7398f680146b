package io.rapport.engine.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rapport.engine.access.Keys;
import io.rapport.engine.access.Scope;
import io.rapport.engine.kpi.Flow;
import io.rapport.engine.kpi.KpiRefresh;
import io.rapport.engine.kpi.KpiSnapshot;
import io.rapport.engine.kpi.KpiStore;
import io.rapport.engine.kpi.TrendPoint;
import io.rapport.engine.metrics.JourneyMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /v1/stats?from=&until=: customers per stage, the transition flow and the KPI trend over the chosen window, and
 * the KPIs of the latest refresh (their own window, kpi.window, ending at refreshedAt). What the console draws.
 */
public final class StatsApi {
  private static final Logger LOG = LoggerFactory.getLogger(StatsApi.class);
  /** The longest window a request may ask for: its flow reads every transition in it. */
  static final Duration LONGEST = Duration.ofDays(400);
  /** The most trend points answered; a longer trend is thinned evenly, its latest point kept. */
  static final int MOST_TREND_POINTS = 200;
  /** The default lifecycle's stages, listed even when nobody is in them; stages rules add are listed as they fill. */
  static final List<String> STAGES =
      List.of("PROSPECT", "LEAD", "NEW_CUSTOMER", "REPEAT", "LOYAL", "ADVOCATE", "AT_RISK", "CHURNED");

  private final Vertx vertx;
  private final KpiStore store;
  private final KpiRefresh refresh;
  private final MeterRegistry registry;
  private final Supplier<Integer> rulesVersion;
  private final Clock clock;
  private final Guard guard;

  public StatsApi(Vertx vertx, KpiStore store, KpiRefresh refresh, MeterRegistry registry,
      Supplier<Integer> rulesVersion, Clock clock, Keys keys) {
    this.vertx = vertx;
    this.store = store;
    this.refresh = refresh;
    this.registry = registry;
    this.rulesVersion = rulesVersion;
    this.clock = clock;
    this.guard = new Guard(keys);
  }

  public void mount(Router router) {
    router.get("/v1/stats").handler(ctx -> {
      if (guard.allows(ctx, Scope.READ)) {
        answer(ctx);
      }
    });
  }

  private void answer(RoutingContext ctx) {
    Instant until;
    Instant from;
    try {
      until = instant(ctx, "until", clock.instant());
      from = instant(ctx, "from", until.minus(refresh.options().window()));
    } catch (IllegalArgumentException e) {
      Errors.send(ctx, 400, e.getMessage());
      return;
    }
    if (!from.isBefore(until)) {
      Errors.send(ctx, 400, "from must be before until");
      return;
    }
    if (Duration.between(from, until).compareTo(LONGEST) > 0) {
      Errors.send(ctx, 400, "from..until may span at most " + LONGEST.toDays() + " days");
      return;
    }
    vertx.executeBlocking(() -> new Window(store.flow(from, until), store.trend(from, until)), false)
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("GET /v1/stats failed", ar.cause());
            ctx.response().putHeader("Retry-After", "1");
            Errors.send(ctx, 503, "the store is not available; retry shortly");
            return;
          }
          ctx.response().putHeader("Content-Type", "application/json")
              .end(toJson(from, until, ar.result()).encode());
        });
  }

  private record Window(List<Flow> flow, List<TrendPoint> trend) {}

  private JsonObject toJson(Instant from, Instant until, Window w) {
    KpiSnapshot latest = refresh.latest().orElse(null);
    JsonObject stages = new JsonObject();
    stagesNow().forEach(stages::put);
    JsonArray flow = new JsonArray();
    w.flow().forEach(f -> flow.add(new JsonObject().put("from", f.from()).put("to", f.to()).put("count", f.count())));
    JsonArray trend = new JsonArray();
    thinned(w.trend()).forEach(p -> trend.add(new JsonObject().put("at", p.at().toString()).put("nps", p.nps())
        .put("retentionRate", p.retentionRate()).put("repeatPurchaseRate", p.repeatPurchaseRate())
        .put("churnRate", p.churnRate())));
    JsonObject firings = new JsonObject();
    new TreeMap<>(firings()).forEach(firings::put);
    return new JsonObject()
        .put("from", from.toString())
        .put("until", until.toString())
        .put("window", KpiSnapshot.iso(refresh.options().window()))
        .put("refreshedAt", latest == null ? null : latest.at().toString())
        .put("stages", stages)
        .put("flow", flow)
        .put("kpis", latest == null ? KpiSnapshot.NOTHING.kpisJson() : latest.kpisJson())
        .put("trend", trend)
        .put("journeys", latest == null ? new JsonArray() : latest.journeysJson())
        .put("actions", latest == null ? KpiSnapshot.NOTHING.actionsJson() : latest.actionsJson())
        .put("rules", new JsonObject().put("version", rulesVersion.get()).put("firings", firings));
  }

  /** Customers per stage as the latest census counted them (the rapport_customers gauge). */
  private Map<String, Long> stagesNow() {
    Map<String, Long> stages = new LinkedHashMap<>();
    STAGES.forEach(s -> stages.put(s, 0L));
    for (Gauge g : registry.find(JourneyMetrics.CUSTOMERS).gauges()) {
      String stage = g.getId().getTag("stage");
      if (stage != null && !Double.isNaN(g.value())) {
        stages.put(stage, (long) g.value());
      }
    }
    return stages;
  }

  /** Rule firings per rule since the server started (the rapport_rule_firings_total counter). */
  private Map<String, Long> firings() {
    Map<String, Long> firings = new TreeMap<>();
    for (Counter c : registry.find(JourneyMetrics.RULE_FIRINGS).counters()) {
      firings.merge(c.getId().getTag("rule"), (long) c.count(), Long::sum);
    }
    return firings;
  }

  static List<TrendPoint> thinned(List<TrendPoint> points) {
    if (points.size() <= MOST_TREND_POINTS) {
      return points;
    }
    List<TrendPoint> kept = new ArrayList<>();
    double step = (double) (points.size() - 1) / (MOST_TREND_POINTS - 1);
    for (int i = 0; i < MOST_TREND_POINTS; i++) {
      kept.add(points.get((int) Math.round(i * step)));
    }
    return kept;
  }

  private static Instant instant(RoutingContext ctx, String name, Instant otherwise) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return otherwise;
    }
    if (values.size() > 1) {
      throw new IllegalArgumentException(name + " is given more than once");
    }
    Instant at;
    try {
      at = OffsetDateTime.parse(values.get(0)).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be an ISO-8601 time with an offset, such as "
          + "2026-11-24T10:15:00Z");
    }
    // the stores' timestamps end long before what ISO-8601 can write (year +300000 parses)
    if (at.isBefore(EARLIEST) || !at.isBefore(LATEST)) {
      throw new IllegalArgumentException(name + " must be from the year 1970 to 9999");
    }
    return at;
  }

  private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");
}
