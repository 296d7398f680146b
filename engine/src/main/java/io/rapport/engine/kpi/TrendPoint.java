package io.rapport.engine.kpi;

import java.time.Instant;

/** The KPIs of one past refresh, for their trend; null where the window had no data. */
public record TrendPoint(Instant at, Double nps, Double retentionRate, Double repeatPurchaseRate, Double churnRate) {}
