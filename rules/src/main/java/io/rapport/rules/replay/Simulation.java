package io.rapport.rules.replay;

import io.rapport.rules.RuleBook;
import io.rapport.rules.Touchpoint;
import io.rapport.rules.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Backtests a rule change: one history decided by the rules in force and by a candidate, side
 * by side, in memory. Nothing is sent and nothing live changes.
 */
public final class Simulation {
  /** Customers shown in full in a comparison; the count covers them all. */
  public static final int SAMPLE = 20;

  private final Replay baseline;
  private final Replay candidate;

  public Simulation(RuleBook baselineRules, RuleBook candidateRules) {
    this.baseline = new Replay(baselineRules, true);
    this.candidate = new Replay(candidateRules, true);
  }

  /** Decides the next touchpoint of the history under both rule books. */
  public void offer(Touchpoint t) {
    baseline.offer(t);
    candidate.offer(t);
  }

  public Comparison finish(Instant until) {
    ReplayReport before = baseline.finish(until);
    ReplayReport after = candidate.finish(until);
    SortedMap<String, long[]> stageCounts = new TreeMap<>();
    new TreeSet<>(before.stages().keySet()).forEach(s -> stageCounts.put(s, new long[] {before.stages().get(s), 0}));
    after.stages().forEach((s, n) -> stageCounts.computeIfAbsent(s, k -> new long[2])[1] = n);
    Map<String, String> a = baseline.finalStages();
    Map<String, String> b = candidate.finalStages();
    long changed = 0;
    List<Comparison.ChangedCustomer> sample = new ArrayList<>();
    for (String id : new TreeSet<>(a.keySet())) {
      if (!Objects.equals(a.get(id), b.get(id))) {
        changed++;
        if (sample.size() < SAMPLE) {
          sample.add(new Comparison.ChangedCustomer(id, a.get(id), b.get(id),
              baseline.paths().getOrDefault(id, List.<Transition>of()), candidate.paths().getOrDefault(id, List.<Transition>of())));
        }
      }
    }
    return new Comparison(before, after, stageCounts, changed, sample);
  }
}
