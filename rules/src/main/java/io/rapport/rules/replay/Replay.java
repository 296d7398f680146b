package io.rapport.rules.replay;

import io.rapport.rules.Customer;
import io.rapport.rules.RuleBook;
import io.rapport.rules.Timeline;
import io.rapport.rules.Touchpoint;
import io.rapport.rules.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays a history of touchpoints, in time order, through a rule book, in memory: nothing is
 * sent and no store is touched. Keeps the counts of a {@link ReplayReport} and, when asked, every
 * customer's path of transitions.
 */
public final class Replay {
  private final Timeline timeline;
  private final Map<String, Long> transitions = new TreeMap<>();
  private final Map<String, Long> actions = new TreeMap<>();
  private final Map<String, List<Transition>> paths;
  private long touchpoints;
  private Instant last;

  public Replay(RuleBook rules, boolean keepPaths) {
    this.paths = keepPaths ? new HashMap<>() : null;
    this.timeline = new Timeline(rules, (t, d, c) -> {
      for (Transition tr : d.transitions()) {
        transitions.merge(tr.from() + "->" + tr.to(), 1L, Long::sum);
        if (paths != null) {
          paths.computeIfAbsent(tr.customerId(), k -> new ArrayList<>()).add(tr);
        }
      }
      d.actions().forEach(a -> actions.merge(a.template(), 1L, Long::sum));
    });
  }

  /**
   * Decides the next touchpoint of the history.
   *
   * @throws IllegalArgumentException when it is earlier than the one before: a history is in time order
   */
  public void offer(Touchpoint t) {
    if (last != null && t.occurredAt().isBefore(last)) {
      throw new IllegalArgumentException("occurredAt " + t.occurredAt() + " is earlier than the line before (" + last + "): the history must be in time order");
    }
    last = t.occurredAt();
    if (timeline.offer(t)) {
      touchpoints++;
    }
  }

  /** Fires every timer due up to {@code until} and reports. */
  public ReplayReport finish(Instant until) {
    if (last != null && until.isBefore(last)) {
      throw new IllegalArgumentException("until " + until + " is before the last touchpoint (" + last + ")");
    }
    timeline.finish(until);
    Map<String, Long> stages = new TreeMap<>();
    for (Customer c : timeline.customers()) {
      stages.merge(c.getStage(), 1L, Long::sum);
    }
    return new ReplayReport(timeline.customers().size(), touchpoints, new TreeMap<>(stages), new TreeMap<>(transitions), new TreeMap<>(actions));
  }

  /** Each customer's final stage. */
  public Map<String, String> finalStages() {
    Map<String, String> stages = new HashMap<>();
    timeline.customers().forEach(c -> stages.put(c.getId(), c.getStage()));
    return stages;
  }

  /** Each customer's transitions, in order; empty unless the replay keeps paths. */
  public Map<String, List<Transition>> paths() {
    return paths == null ? Map.of() : paths;
  }
}
