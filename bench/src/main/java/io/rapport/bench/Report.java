package io.rapport.bench;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A run's figures as the one JSON line the benchmark prints, rounded as the line has them. */
record Report(LoadFigures load, double rawRules, Double replay, double rawPgOneStream, Limits.RawPg rawPg, int rawPgStreams,
    ConsistencyCheck check, int customers, int seconds, PostgresSettings postgres) {

  /**
   * What the HTTP load found: the full load's throughput after its warm-up, the actions it left
   * behind and how long they took to go, then latency at half that load; inside the server, each
   * window's figures (see {@link Report#inside}).
   */
  record LoadFigures(int partitions, double throughput, double warmupSeconds, double jitShare, JsonObject fullInside,
      long backlog, double drainSeconds, Latencies latency, JsonObject halfInside, Instant halfBegan, long heapMb) {}

  JsonObject toJson() {
    double throughput = load.throughput();
    Latencies latency = load.latency();
    return new JsonObject()
        .put("throughput", Math.round(throughput))
        .put("p50_ms", round(latency.percentileMs(0.5)))
        .put("p99_ms", round(latency.percentileMs(0.99)))
        .put("raw_pg", Math.round(rawPg.rate()))
        .put("raw_pg_streams", rawPgStreams)
        .put("raw_pg_one_stream", Math.round(rawPgOneStream))
        .put("raw_pg_cpu_us_per_touchpoint", rawPg.postgresMicros())
        .put("raw_pg_wal_bytes_per_touchpoint", rawPg.walBytes())
        .put("raw_rules", Math.round(rawRules))
        .put("ratio_pg", round(throughput / rawPg.rate()))
        .put("ratio_rules", round(throughput / rawRules))
        .put("replay", replay == null ? null : Math.round(replay))
        .put("actions_backlog", load.backlog())
        .put("drain_s", round(load.drainSeconds()))
        // the work a touchpoint brings besides itself: a young population moves stages and gets mail more often
        .put("rows_per_touchpoint", new JsonObject()
            .put("customers", perTouchpoint(check.customers.rows(), check))
            .put("transitions", perTouchpoint(check.transitions.rows(), check))
            .put("actions", perTouchpoint(check.actions.rows(), check)))
        .put("consistent", check.consistent)
        .put("accepted", check.stored)
        .put("customers", customers)
        .put("partitions", load.partitions())
        .put("seconds", seconds)
        .put("warmup_s", Math.round(load.warmupSeconds()))
        .put("jit_share", round(load.jitShare()))
        .put("heap_used_mb", load.heapMb())
        .put("inside_server", new JsonObject().put("full_load", load.fullInside()).put("half_load", load.halfInside()))
        // clustered times mean one stall (a checkpoint starting or syncing, a GC); spread ones, queueing
        .put("half_load_slowest", latency.slowest(10))
        .put("half_load_began_at", load.halfBegan().toString())
        .put("postgres", postgres.toJson());
  }

  /**
   * Where a measured window's time went inside the server, from its own meters: a request's whole
   * time in the HTTP server (mean), the time from a touchpoint's arrival at its partition's queue
   * to its commit, and a group commit's write and size. Quantiles are bucket bounds. The stage
   * transitions and actions the rules decided per touchpoint say how much work the window's
   * touchpoints made: young customers move and get welcomed, settled ones mostly do not.
   */
  static JsonObject inside(ServerMeters m) {
    double decided = m.value("rapport_touchpoints_total", "outcome=\"decided\"");
    return new JsonObject()
        .put("http_mean_ms", measuredOrNull(1000 * m.mean("vertx_http_server_response_time_seconds", "method=\"POST\"", "code=\"202\"")))
        .put("queue_to_commit_p50_ms", measuredOrNull(1000 * m.quantile("rapport_ingest_lag_seconds", 0.5)))
        .put("queue_to_commit_p99_ms", measuredOrNull(1000 * m.quantile("rapport_ingest_lag_seconds", 0.99)))
        .put("commit_mean_ms", measuredOrNull(1000 * m.mean("rapport_group_commit_seconds")))
        .put("commit_p99_ms", measuredOrNull(1000 * m.quantile("rapport_group_commit_seconds", 0.99)))
        .put("commit_touchpoints_mean", measuredOrNull(m.mean("rapport_group_commit_touchpoints")))
        .put("decision_mean_us", measuredOrNull(1e6 * m.mean("rapport_decision_seconds")))
        .put("transitions_per_touchpoint", measuredOrNull(m.value("rapport_stage_transitions_total") / decided, 3))
        .put("actions_per_touchpoint", measuredOrNull((m.value("rapport_actions_total", "outcome=\"created\"")
            + m.value("rapport_actions_total", "outcome=\"suppressed\"")) / decided, 3));
  }

  static Long bytesPer(long bytes, long touchpoints) {
    return touchpoints == 0 ? null : Math.round((double) bytes / touchpoints);
  }

  static Double microsPer(long nanos, long touchpoints) {
    return touchpoints == 0 ? null : round(nanos / 1000.0 / touchpoints);
  }

  /** A figure the server may not have: null rather than a made-up zero. */
  private static Double measuredOrNull(double v) {
    return measuredOrNull(v, 2);
  }

  private static Double measuredOrNull(double v, int decimals) {
    double scale = Math.pow(10, decimals);
    return Double.isFinite(v) ? Math.round(v * scale) / scale : null;
  }

  private static double perTouchpoint(long rows, ConsistencyCheck check) {
    return Math.round(1000.0 * rows / Math.max(1, check.touchpoints.rows())) / 1000.0;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
