package io.rapport.engine.kpi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The KPIs one refresh computed at {@code at} over the window ending then (see docs/managers.md for each definition).
 * Rates are fractions 0..1 and NPS is -100..100; each is null when its window held no data. {@code lifetimeValue} is the
 * average net revenue per purchasing customer, per currency, over all history.
 */
public record KpiSnapshot(
    Instant at,
    Duration window,
    Double nps,
    long npsAnswers,
    Double retentionRate,
    Double churnRate,
    Double repeatPurchaseRate,
    Map<String, BigDecimal> lifetimeValue,
    Engagement engagement,
    List<JourneyEarnings> journeys,
    Map<String, Long> actionsByStatus,
    Map<String, Long> suppressedByReason,
    long tookMillis) {

  /** The action statuses always listed, with 0 when there were none. */
  public static final List<String> STATUSES = List.of("pending", "sent", "failed", "suppressed");

  /** No refresh yet: every KPI without data. */
  public static final KpiSnapshot NOTHING = new KpiSnapshot(Instant.EPOCH, Duration.ZERO, null, 0, null, null, null,
      Map.of(), Engagement.NONE, List.of(), Map.of(), Map.of(), 0);

  public KpiSnapshot {
    lifetimeValue = JourneyEarnings.amounts(lifetimeValue);
    journeys = List.copyOf(journeys);
    actionsByStatus = new TreeMap<>(actionsByStatus);
    suppressedByReason = new TreeMap<>(suppressedByReason);
  }

  /** The trend point of this refresh. */
  public TrendPoint trendPoint() {
    return new TrendPoint(at, nps, retentionRate, repeatPurchaseRate, churnRate);
  }

  /** The {@code kpis} object of GET /v1/stats. */
  public JsonObject kpisJson() {
    JsonObject ltv = new JsonObject();
    lifetimeValue.forEach((currency, value) -> ltv.put(currency, value));
    return new JsonObject()
        .put("nps", new JsonObject().put("value", nps).put("answers", npsAnswers))
        .put("retentionRate", retentionRate)
        .put("churnRate", churnRate)
        .put("repeatPurchaseRate", repeatPurchaseRate)
        .put("lifetimeValue", ltv)
        .put("engagement", new JsonObject()
            .put("sent", engagement.sent())
            .put("opens", engagement.opens())
            .put("clicks", engagement.clicks())
            .put("opensPerMessage", engagement.opensPerMessage())
            .put("clicksPerMessage", engagement.clicksPerMessage()));
  }

  /** The {@code journeys} array of GET /v1/stats. */
  public JsonArray journeysJson() {
    JsonArray a = new JsonArray();
    for (JourneyEarnings j : journeys) {
      JsonObject revenue = new JsonObject();
      j.attributedRevenue().forEach(revenue::put);
      a.add(new JsonObject().put("rule", j.rule()).put("template", j.template()).put("sent", j.sent())
          .put("codesRedeemed", j.codesRedeemed()).put("attributedRevenue", revenue));
    }
    return a;
  }

  /** The {@code actions} object of GET /v1/stats. */
  public JsonObject actionsJson() {
    JsonObject byStatus = new JsonObject();
    for (String status : STATUSES) {
      byStatus.put(status, actionsByStatus.getOrDefault(status, 0L));
    }
    actionsByStatus.forEach((status, n) -> {
      if (!byStatus.containsKey(status)) {
        byStatus.put(status, n);
      }
    });
    JsonObject reasons = new JsonObject();
    suppressedByReason.forEach(reasons::put);
    return new JsonObject().put("byStatus", byStatus).put("suppressedByReason", reasons);
  }

  /** Everything, as stored with the refresh. */
  public JsonObject toJson() {
    return new JsonObject().put("at", at.toString()).put("window", iso(window)).put("tookMillis", tookMillis)
        .put("kpis", kpisJson()).put("journeys", journeysJson()).put("actions", actionsJson());
  }

  /** A snapshot as {@link #toJson} wrote it. */
  public static KpiSnapshot fromJson(JsonObject j) {
    JsonObject kpis = j.getJsonObject("kpis");
    JsonObject nps = kpis.getJsonObject("nps");
    Map<String, BigDecimal> ltv = new TreeMap<>();
    kpis.getJsonObject("lifetimeValue").forEach(e -> ltv.put(e.getKey(), decimal(e.getValue())));
    JsonObject e = kpis.getJsonObject("engagement");
    List<JourneyEarnings> journeys = new ArrayList<>();
    for (Object o : j.getJsonArray("journeys")) {
      JsonObject jo = (JsonObject) o;
      Map<String, BigDecimal> revenue = new TreeMap<>();
      jo.getJsonObject("attributedRevenue").forEach(r -> revenue.put(r.getKey(), decimal(r.getValue())));
      journeys.add(new JourneyEarnings(jo.getString("rule"), jo.getString("template"), jo.getLong("sent"),
          jo.getLong("codesRedeemed"), revenue));
    }
    JsonObject actions = j.getJsonObject("actions");
    return new KpiSnapshot(Instant.parse(j.getString("at")), Duration.parse(j.getString("window")),
        nps.getDouble("value"), nps.getLong("answers"), kpis.getDouble("retentionRate"), kpis.getDouble("churnRate"),
        kpis.getDouble("repeatPurchaseRate"), ltv,
        new Engagement(e.getLong("sent"), e.getLong("opens"), e.getLong("clicks")), journeys,
        counts(actions.getJsonObject("byStatus")), counts(actions.getJsonObject("suppressedByReason")),
        j.getLong("tookMillis", 0L));
  }

  private static Map<String, Long> counts(JsonObject o) {
    Map<String, Long> m = new TreeMap<>();
    o.forEach(e -> m.put(e.getKey(), ((Number) e.getValue()).longValue()));
    return m;
  }

  private static BigDecimal decimal(Object v) {
    return v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
  }

  /** A duration as ISO-8601 in days when it is whole days (P90D), else as Java writes it (PT36H). */
  public static String iso(Duration d) {
    return d.toSeconds() % 86_400 == 0 && d.toNanosPart() == 0 ? "P" + d.toDays() + "D" : d.toString();
  }
}
