package io.rapport.engine.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.rapport.rules.Decision;
import io.rapport.rules.Touchpoint;
import io.rapport.rules.Transition;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Rapport's own meters, named once here. Micrometer names become Prometheus names:
 * {@code rapport.touchpoints} is exposed as {@code rapport_touchpoints_total}.
 */
public final class JourneyMetrics {
  public static final String TOUCHPOINTS = "rapport.touchpoints";
  public static final String TRANSITIONS = "rapport.stage.transitions";
  public static final String CUSTOMERS = "rapport.customers";
  public static final String ACTIONS = "rapport.actions";
  /** Issue 29 (h29a): deliveries per connector. */
  public static final String DELIVERIES = "rapport.connector.deliveries";
  public static final String RULE_FIRINGS = "rapport.rule.firings";
  public static final String DECISION = "rapport.decision";
  public static final String INGEST_LAG = "rapport.ingest.lag";
  public static final String GROUP_COMMIT = "rapport.group.commit";
  public static final String GROUP_COMMIT_SIZE = "rapport.group.commit.touchpoints";
  /** Actions a guardrail held back for good, by reason (consent, frequency, stale, backfill). */
  public static final String SUPPRESSED = "rapport.actions.suppressed";
  /** Actions a guardrail put off to a later time, by reason (quiet-hours). */
  public static final String DEFERRED = "rapport.actions.deferred";

  /** Tag values beyond this many distinct ones are counted as "other", to bound cardinality. */
  static final int MAX_TAG_VALUES = 100;

  private final MeterRegistry registry;
  private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();
  private final Set<String> seenValues = ConcurrentHashMap.newKeySet();
  private final Timer decision;
  private final Timer ingestLag;
  private final Timer groupCommit;
  private final DistributionSummary groupCommitSize;
  private final MultiGauge customers;

  public JourneyMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.decision = histogram(DECISION, "Time to decide one touchpoint with the rules", Duration.ofNanos(1_000),
        Duration.ofSeconds(1));
    this.ingestLag = histogram(INGEST_LAG, "Time from a touchpoint's arrival to its commit", Duration.ofMillis(1),
        Duration.ofSeconds(30));
    this.groupCommit = histogram(GROUP_COMMIT, "Time to write one partition's batch to the store, one transaction",
        Duration.ofMillis(1), Duration.ofSeconds(30));
    this.groupCommitSize =
        DistributionSummary.builder(GROUP_COMMIT_SIZE)
            .description("Touchpoints written by one group commit")
            .publishPercentileHistogram()
            .minimumExpectedValue(1.0)
            .maximumExpectedValue(100_000.0)
            .register(registry);
    this.customers =
        MultiGauge.builder(CUSTOMERS).description("Customers per lifecycle stage").register(registry);
  }

  private Timer histogram(String name, String description, Duration min, Duration max) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(min)
        .maximumExpectedValue(max)
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public Timer decisionTimer() {
    return decision;
  }

  /** One group commit of {@code touchpoints} that took {@code nanos}. */
  public void groupCommit(int touchpoints, long nanos) {
    groupCommit.record(nanos, TimeUnit.NANOSECONDS);
    groupCommitSize.record(touchpoints);
  }

  public void touchpoint(Touchpoint t, String outcome) {
    count(TOUCHPOINTS, "Touchpoints received, by outcome (decided, duplicate, rule_error)",
        "type", bounded(t.type()), "channel", bounded(t.channel()), "outcome", outcome);
  }

  public void decided(Decision d) {
    for (Transition t : d.transitions()) {
      count(TRANSITIONS, "Lifecycle stage transitions", "from", bounded(t.from()), "to", bounded(t.to()));
    }
    for (String rule : d.firedRules()) {
      count(RULE_FIRINGS, "Rule firings", "rule", bounded(rule));
    }
    d.actions().forEach(a -> action(a.channel(), a.suppressed() ? "suppressed" : "created"));
  }

  /** Counts an action a guardrail suppressed for {@code reason}. */
  public void suppressed(String reason) {
    count(SUPPRESSED, "Actions recorded and never sent, by the guardrail's reason", "reason", bounded(reason));
  }

  /** Counts an action a guardrail deferred for {@code reason}. */
  public void deferred(String reason) {
    count(DEFERRED, "Actions put off to a later time by a guardrail, by reason", "reason", bounded(reason));
  }

  /** Counts an action by channel and outcome (created, sent, retried, failed). */
  public void action(String channel, String outcome) {
    count(ACTIONS, "Actions, by outcome (created, sent, retried, failed)",
        "type", "send", "channel", bounded(channel), "outcome", outcome);
  }

  /**
   * Counts a delivery attempt's result by connector: sent, retried, failed, or held (given back unsent because its
   * connector is paused or off).
   */
  public void delivery(String connector, String outcome) {
    count(DELIVERIES, "Delivery attempts by connector and result (sent, retried, failed, held)",
        "connector", bounded(connector), "outcome", outcome);
  }

  public void ingestLag(long nanos) {
    ingestLag.record(Duration.ofNanos(nanos));
  }

  public void customersPerStage(Map<String, Long> counts) {
    customers.register(
        counts.entrySet().stream()
            .map(e -> MultiGauge.Row.of(Tags.of("stage", e.getKey()), e.getValue()))
            .toList(),
        true);
  }

  /** {@code tags} are key, value pairs; a meter's keys are always the same, so its values tell its series apart. */
  private void count(String name, String description, String... tags) {
    if (tags.length < 2 || tags.length > 6) { // a fourth tag would not tell series apart: the key needs a field
      throw new IllegalArgumentException(name + ": one to three tags, not " + tags.length / 2);
    }
    CounterKey key = new CounterKey(name, tags[1], tags.length > 3 ? tags[3] : null, tags.length > 5 ? tags[5] : null);
    counters
        .computeIfAbsent(
            key, k -> Counter.builder(name).description(description).tags(tags).register(registry))
        .increment();
  }

  /**
   * A counter series by its meter name and up to three tag values. Counted for every touchpoint:
   * a record hashes the strings it holds, where a joined key was a new string to build and hash
   * every time.
   */
  private record CounterKey(String name, String first, String second, String third) {}

  private String bounded(String value) {
    if (value == null || value.isEmpty()) {
      return "none";
    }
    if (seenValues.contains(value)) {
      return value;
    }
    if (seenValues.size() >= MAX_TAG_VALUES) {
      return "other";
    }
    seenValues.add(value);
    return value;
  }
}
