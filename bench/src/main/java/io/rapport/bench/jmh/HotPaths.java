package io.rapport.bench.jmh;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rapport.bench.TouchpointMix;
import io.rapport.engine.ingest.Partitioner;
import io.rapport.engine.ingest.Facts;
import io.rapport.messages.TouchpointReader;
import io.rapport.engine.metrics.JourneyMetrics;
import io.rapport.messages.CanonicalTouchpoint;
import io.rapport.rules.Customer;
import io.rapport.rules.Decision;
import io.rapport.rules.RuleBook;
import io.rapport.rules.Touchpoint;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH suite for the hot paths of one touchpoint: validating and mapping a batch, deciding with
 * the default rules, counting it in the server's meters, routing to a partition ({@link GroupCommit}
 * measures the batch write). Run:
 * java -cp "bench/target/rapport-bench.jar:bench/target/lib/*" org.openjdk.jmh.Main HotPaths
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class HotPaths {
  private byte[] ndjson500;
  private final RuleBook rules = RuleBook.defaults();
  private final List<Touchpoint> touchpoints = new ArrayList<>();
  private final Map<String, Customer> customers = new HashMap<>();
  private final Partitioner partitioner = new Partitioner(8);
  private int next;
  private final List<Touchpoint> mixed = new ArrayList<>();
  private final Map<String, Customer> mixCustomers = new HashMap<>();
  private final JourneyMetrics metrics = new JourneyMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  private final List<Touchpoint> counted = new ArrayList<>();
  private final List<Decision> countedDecisions = new ArrayList<>();

  @Setup
  public void setUp() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      b.append("{\"id\":\"e").append(i).append("\",\"customerId\":\"c-").append(i % 97)
          .append("\",\"type\":\"purchase\",\"occurredAt\":\"2026-11-24T10:15:00+01:00\",\"channel\":\"web\",\"value\":12.5,")
          .append("\"currency\":\"EUR\",\"properties\":{\"sku\":\"A-").append(i).append("\"}}\n");
    }
    ndjson500 = b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8); // as HTTP delivers it
    TouchpointMix mix = new TouchpointMix(1, 100_000, "jmh", Instant.parse("2026-01-01T00:00:00Z"));
    for (int i = 0; i < 300_000; i++) {
      mixed.add(Facts.touchpoint(TouchpointReader.one(mix.next())));
    }
    // parsed from NDJSON as HTTP delivers it: every type and channel is a string of its own
    StringBuilder lines = new StringBuilder();
    TouchpointMix countedMix = new TouchpointMix(2, 100_000, "jmh", Instant.parse("2026-01-01T00:00:00Z"));
    for (int i = 0; i < 100_000; i++) {
      countedMix.appendNextLine(lines);
    }
    List<CanonicalTouchpoint> parsed = TouchpointReader.parse(TouchpointReader.NDJSON, lines.toString(), 100_000);
    Map<String, Customer> countedCustomers = new HashMap<>();
    for (CanonicalTouchpoint c : parsed) {
      Touchpoint t = Facts.touchpoint(c);
      counted.add(t);
      countedDecisions.add(rules.decide(countedCustomers.computeIfAbsent(t.customerId(), Customer::new), t));
    }
    String[] types = {"web_visit", "email_open", "purchase", "support_ticket", "nps_response", "complaint"};
    for (int i = 0; i < 100_000; i++) {
      String type = types[i % types.length];
      touchpoints.add(new Touchpoint("t" + i, "c-" + (i % 10_000), type, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i),
          "web", type.equals("purchase") ? BigDecimal.TEN : null, null, type.equals("nps_response") ? Map.of("score", i % 11) : Map.of()));
    }
  }

  /** A 500-touchpoint NDJSON body validated, normalised and mapped to facts. */
  @Benchmark
  public int validateAndMapBatchOf500() {
    List<CanonicalTouchpoint> batch = TouchpointReader.parse(TouchpointReader.NDJSON, ndjson500, 10_000);
    int n = 0;
    for (CanonicalTouchpoint c : batch) {
      n += Facts.touchpoint(c).id().length();
    }
    return n;
  }

  /** The benchmark's realistic mix over 100,000 customers, decided one by one. */
  @Benchmark
  public Decision decideMixedTouchpoint() {
    Touchpoint t = mixed.get(next++ % mixed.size());
    return rules.decide(mixCustomers.computeIfAbsent(t.customerId(), Customer::new), t);
  }

  /** One touchpoint decided by the default rules (aggregates, timers, rules). */
  @Benchmark
  public Decision decideOneTouchpoint() {
    Touchpoint t = touchpoints.get(next++ % touchpoints.size());
    return rules.decide(customers.computeIfAbsent(t.customerId(), Customer::new), t);
  }

  /** One decided touchpoint of the mix counted in the server's meters: its type, channel, rules and actions. */
  @Benchmark
  public JourneyMetrics countMixedTouchpoint() {
    int i = next++ % counted.size();
    metrics.touchpoint(counted.get(i), "decided");
    metrics.decided(countedDecisions.get(i));
    return metrics;
  }

  @Benchmark
  public int routeToPartition() {
    return partitioner.partitionOf(touchpoints.get(next++ % touchpoints.size()).customerId());
  }
}
