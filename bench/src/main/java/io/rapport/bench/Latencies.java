package io.rapport.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;

/**
 * The latencies of an open-loop run, each with when its request was due: the percentiles, and the
 * slowest requests with their times, so that a tail can be told apart as one stall (they cluster)
 * or as queueing (they spread).
 */
record Latencies(List<Sample> samples) {
  /** One request: due {@code dueNanos} after the run began, answered {@code latencyNanos} later. */
  record Sample(long dueNanos, long latencyNanos) {}

  Latencies {
    samples = samples.stream().sorted(Comparator.comparingLong(Sample::latencyNanos)).toList();
  }

  double percentileMs(double p) {
    if (samples.isEmpty()) {
      return Double.NaN;
    }
    return samples.get(Math.min(samples.size() - 1, (int) (samples.size() * p))).latencyNanos() / 1e6;
  }

  /** The {@code n} slowest, slowest first: seconds into the run the request was due, and its latency in ms. */
  JsonArray slowest(int n) {
    JsonArray out = new JsonArray();
    for (int i = samples.size() - 1; i >= Math.max(0, samples.size() - n); i--) {
      Sample s = samples.get(i);
      out.add(new JsonObject()
          .put("at_s", Math.round(s.dueNanos() / 1e7) / 100.0)
          .put("ms", Math.round(s.latencyNanos() / 1e4) / 100.0));
    }
    return out;
  }
}
