package io.rapport.engine.kpi;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The KPIs as Prometheus gauges ({@code rapport_kpi_...}), read from the latest refresh: a scrape costs the store
 * nothing. A KPI without data in its window is NaN. Each description names the window, as the definitions do.
 */
public final class KpiGauges {
  /** At most this many journeys are exported (those that sent most), to bound the series. */
  static final int MOST_JOURNEYS = 100;

  private volatile KpiSnapshot latest;
  private final MultiGauge lifetimeValue;
  private final MultiGauge journeySent;
  private final MultiGauge journeyCodes;
  private final MultiGauge journeyRevenue;
  private final MultiGauge actions;
  private final MultiGauge suppressed;

  public KpiGauges(MeterRegistry registry, Duration window, Duration attribution) {
    String over = " over the last " + KpiSnapshot.iso(window) + " (kpi.window), as of the latest refresh";
    gauge(registry, "rapport.kpi.nps", "Net Promoter Score, -100..100: percent promoters (9-10) minus percent "
        + "detractors (0-6) among customers' latest answers" + over, KpiSnapshot::nps);
    gauge(registry, "rapport.kpi.nps.answers", "Customers whose latest NPS answer counts in rapport_kpi_nps" + over,
        s -> (double) s.npsAnswers());
    gauge(registry, "rapport.kpi.retention.rate", "Share (0..1) of the customers who purchased in the window before "
        + "who purchased again in this one" + over, KpiSnapshot::retentionRate);
    gauge(registry, "rapport.kpi.churn.rate", "Share (0..1) of the customers who purchased in the window before who "
        + "moved into CHURNED in this one" + over, KpiSnapshot::churnRate);
    gauge(registry, "rapport.kpi.repeat.purchase.rate", "Share (0..1) of purchasing customers with two or more "
        + "purchases, over all history", KpiSnapshot::repeatPurchaseRate);
    gauge(registry, "rapport.kpi.messages.sent", "Marketing (not transactional) actions sent" + over,
        s -> (double) s.engagement().sent());
    gauge(registry, "rapport.kpi.opens", "email_open touchpoints" + over, s -> (double) s.engagement().opens());
    gauge(registry, "rapport.kpi.clicks", "email_click touchpoints" + over, s -> (double) s.engagement().clicks());
    gauge(registry, "rapport.kpi.opens.per.message", "email_open touchpoints per marketing action sent" + over,
        s -> s.engagement().opensPerMessage());
    gauge(registry, "rapport.kpi.clicks.per.message", "email_click touchpoints per marketing action sent" + over,
        s -> s.engagement().clicksPerMessage());
    gauge(registry, "rapport.kpi.window", "The window the KPIs are computed over (kpi.window), in seconds",
        s -> (double) s.window().toSeconds());
    Gauge.builder("rapport.kpi.refreshed", this, g -> g.latest == null ? Double.NaN : g.latest.at().toEpochMilli() / 1e3)
        .description("When the KPIs were last refreshed, in seconds since the epoch").baseUnit("timestamp_seconds")
        .register(registry);
    lifetimeValue = MultiGauge.builder("rapport.kpi.lifetime.value").description("Average historic customer lifetime "
        + "value: net revenue (purchases less refunds) per purchasing customer, per currency, over all history")
        .register(registry);
    journeySent = MultiGauge.builder("rapport.kpi.journey.sent").description("Actions sent per rule and template"
        + over).register(registry);
    journeyCodes = MultiGauge.builder("rapport.kpi.journey.codes.redeemed").description("Discount codes redeemed per "
        + "rule and template that issued them" + over).register(registry);
    journeyRevenue = MultiGauge.builder("rapport.kpi.journey.attributed.revenue").description("Revenue of purchases "
        + "made within kpi.attribution-window (" + KpiSnapshot.iso(attribution) + ") after an action of the rule and "
        + "template, each "
        + "purchase to the latest such action: attribution, not proof of cause" + over).register(registry);
    actions = MultiGauge.builder("rapport.kpi.actions").description("Actions made, by status" + over)
        .register(registry);
    suppressed = MultiGauge.builder("rapport.kpi.actions.suppressed").description("Actions suppressed, by reason"
        + over).register(registry);
  }

  private void gauge(MeterRegistry registry, String name, String description, Function<KpiSnapshot, Double> value) {
    Gauge.builder(name, this, g -> {
      KpiSnapshot s = g.latest;
      Double v = s == null ? null : value.apply(s);
      return v == null ? Double.NaN : v;
    }).description(description).register(registry);
  }

  /** Shows this refresh from now on. */
  public void show(KpiSnapshot s) {
    latest = s;
    List<MultiGauge.Row<?>> ltv = new ArrayList<>();
    s.lifetimeValue().forEach((currency, v) -> ltv.add(MultiGauge.Row.of(Tags.of("currency", currency), v)));
    lifetimeValue.register(ltv, true);
    List<JourneyEarnings> top = s.journeys().stream()
        .sorted(Comparator.comparingLong(JourneyEarnings::sent).reversed()).limit(MOST_JOURNEYS).toList();
    List<MultiGauge.Row<?>> sent = new ArrayList<>();
    List<MultiGauge.Row<?>> codes = new ArrayList<>();
    List<MultiGauge.Row<?>> revenue = new ArrayList<>();
    for (JourneyEarnings j : top) {
      Tags journey = Tags.of("rule", j.rule(), "template", j.template());
      sent.add(MultiGauge.Row.of(journey, j.sent()));
      codes.add(MultiGauge.Row.of(journey, j.codesRedeemed()));
      j.attributedRevenue().forEach((currency, v) -> revenue.add(MultiGauge.Row.of(journey.and("currency", currency), v)));
    }
    journeySent.register(sent, true);
    journeyCodes.register(codes, true);
    journeyRevenue.register(revenue, true);
    List<MultiGauge.Row<?>> byStatus = new ArrayList<>();
    for (String status : KpiSnapshot.STATUSES) {
      byStatus.add(MultiGauge.Row.of(Tags.of("status", status), s.actionsByStatus().getOrDefault(status, 0L)));
    }
    s.actionsByStatus().forEach((status, n) -> {
      if (!KpiSnapshot.STATUSES.contains(status)) {
        byStatus.add(MultiGauge.Row.of(Tags.of("status", status), n));
      }
    });
    actions.register(byStatus, true);
    List<MultiGauge.Row<?>> reasons = new ArrayList<>();
    s.suppressedByReason().forEach((reason, n) -> reasons.add(MultiGauge.Row.of(Tags.of("reason", reason), n)));
    suppressed.register(reasons, true);
  }
}
