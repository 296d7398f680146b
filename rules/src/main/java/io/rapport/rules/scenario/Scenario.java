package io.rapport.rules.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.rapport.rules.Customer;
import io.rapport.rules.Touchpoint;
import java.time.Instant;
import java.util.List;

/**
 * A marketer's example, written in YAML beside the rules: a starting customer, touchpoints with
 * their times, and what should come of them.
 */
public record Scenario(
    String file, String name, Customer customer, List<Touchpoint> touchpoints, Instant until, JsonNode expect) {

  /** Where a report points: file and scenario name. */
  public String title() {
    return file + ": " + name;
  }
}
