package io.rapport.engine.kpi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where the KPIs are computed from and their refreshes kept. Blocking: call it off the event loop. */
public interface KpiStore {

  /**
   * Computes every KPI at {@code now} over the {@code window} ending then, attributing purchases to the actions sent
   * at most {@code attribution} before them. Reads windows of indexes and one row per purchasing customer, never all
   * touchpoints.
   */
  KpiSnapshot compute(Instant now, Duration window, Duration attribution);

  /** Keeps a refresh, and deletes those older than {@code keepAfter}. */
  void save(KpiSnapshot snapshot, Instant keepAfter);

  /** The latest refresh kept, if any. */
  Optional<KpiSnapshot> latest();

  /** The refreshes with at in [from, until), oldest first. */
  List<TrendPoint> trend(Instant from, Instant until);

  /** Stage transitions with at in [from, until), counted per pair of stages. */
  List<Flow> flow(Instant from, Instant until);
}
