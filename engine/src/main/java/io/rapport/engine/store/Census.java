package io.rapport.engine.store;

import java.util.Map;
import java.util.TreeMap;

/** What the store's gauges show: customers per stage and timers pending, summed over the slices counted so far. */
public record Census(Map<String, Long> customersPerStage, long pendingTimers) {
  public static final Census NONE = new Census(Map.of(), 0);

  public Census {
    customersPerStage = Map.copyOf(customersPerStage);
  }

  public static Census ofStages(Map<String, Long> customersPerStage) {
    return new Census(customersPerStage, 0);
  }

  public static Census ofTimers(long pendingTimers) {
    return new Census(Map.of(), pendingTimers);
  }

  /** This census with another slice's counts added. */
  public Census plus(Census slice) {
    Map<String, Long> stages = new TreeMap<>(customersPerStage);
    slice.customersPerStage.forEach((stage, count) -> stages.merge(stage, count, Long::sum));
    return new Census(stages, pendingTimers + slice.pendingTimers);
  }
}
