package io.rapport.rules.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rapport.rules.Customer;
import io.rapport.rules.Touchpoint;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads scenario files. A file holds a list of scenarios:
 *
 * <pre>
 * - name: Second purchase makes a repeat customer
 *   customer: { stage: NEW_CUSTOMER, orders: 1, revenue: 20 }
 *   touchpoints:
 *     - { type: purchase, at: 2026-01-10T10:00:00Z, value: 20 }
 *   expect:
 *     stage: REPEAT
 *     transitions: [ NEW_CUSTOMER->REPEAT ]
 *     actions: [ email:thank-you-repeat ]
 * </pre>
 */
public final class ScenarioFiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> SCENARIO_KEYS = Set.of("name", "customer", "touchpoints", "until", "expect");
  private static final Set<String> EXPECT_KEYS =
      Set.of("stage", "transitions", "actions", "suppressed", "attributes", "timers", "duplicates", "orders", "revenue");

  private ScenarioFiles() {}

  /** Parses one file's text; {@code file} names it in messages. */
  public static List<Scenario> parse(String file, String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new InvalidScenarioException(file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.isArray()) {
      throw new InvalidScenarioException(file + ": expected a list of scenarios");
    }
    List<Scenario> scenarios = new ArrayList<>();
    int index = 0;
    for (JsonNode node : root) {
      index++;
      String name = node.path("name").asText("scenario " + index);
      String where = file + ": " + name;
      node.fieldNames().forEachRemaining(k -> {
        if (!SCENARIO_KEYS.contains(k)) {
          throw new InvalidScenarioException(where + ": unknown key '" + k + "' (expected " + SCENARIO_KEYS + ")");
        }
      });
      Customer customer = customer(where, node.path("customer"));
      List<Touchpoint> touchpoints = touchpoints(where, customer.getId(), node.path("touchpoints"));
      Instant until = node.hasNonNull("until") ? instant(where, "until", node.get("until").asText())
          : touchpoints.isEmpty() ? Instant.EPOCH : touchpoints.get(touchpoints.size() - 1).occurredAt();
      JsonNode expect = node.path("expect");
      if (!expect.isObject() || expect.isEmpty()) {
        throw new InvalidScenarioException(where + ": 'expect' must say what should happen");
      }
      expect.fieldNames().forEachRemaining(k -> {
        if (!EXPECT_KEYS.contains(k)) {
          throw new InvalidScenarioException(where + ": unknown expectation '" + k + "' (expected " + EXPECT_KEYS + ")");
        }
      });
      scenarios.add(new Scenario(file, name, customer, touchpoints, until, expect));
    }
    return scenarios;
  }

  private static Customer customer(String where, JsonNode c) {
    if (c.isMissingNode() || c.isNull()) {
      return new Customer("c-1");
    }
    Map<String, Object> attributes = c.has("attributes")
        ? YAML.convertValue(c.get("attributes"), LinkedHashMap.class) : Map.of();
    return new Customer(
        c.path("id").asText("c-1"),
        c.path("stage").asText(Customer.FIRST_STAGE),
        c.hasNonNull("stageSince") ? instant(where, "customer.stageSince", c.get("stageSince").asText()) : null,
        c.path("orders").asInt(0),
        c.hasNonNull("revenue") ? c.get("revenue").decimalValue() : BigDecimal.ZERO,
        c.hasNonNull("lastPurchaseAt") ? instant(where, "customer.lastPurchaseAt", c.get("lastPurchaseAt").asText()) : null,
        c.hasNonNull("lastActivityAt") ? instant(where, "customer.lastActivityAt", c.get("lastActivityAt").asText()) : null,
        c.hasNonNull("lastNps") ? c.get("lastNps").asInt() : null,
        c.path("complaints").asInt(0),
        attributes,
        1);
  }

  private static List<Touchpoint> touchpoints(String where, String customerId, JsonNode list) {
    List<Touchpoint> out = new ArrayList<>();
    if (list.isMissingNode()) {
      return out;
    }
    if (!list.isArray()) {
      throw new InvalidScenarioException(where + ": 'touchpoints' must be a list");
    }
    Instant previous = null;
    int i = 0;
    for (JsonNode t : list) {
      i++;
      String field = "touchpoints[" + i + "]";
      if (!t.hasNonNull("type") || !t.hasNonNull("at")) {
        throw new InvalidScenarioException(where + ": " + field + " needs a type and an 'at' time");
      }
      Instant at = instant(where, field + ".at", t.get("at").asText());
      if (previous != null && at.isBefore(previous)) {
        throw new InvalidScenarioException(where + ": " + field + " is earlier than the touchpoint before it");
      }
      previous = at;
      Map<String, Object> properties = t.has("properties")
          ? YAML.convertValue(t.get("properties"), LinkedHashMap.class) : Map.of();
      out.add(new Touchpoint(
          t.path("id").asText("t" + i),
          customerId,
          t.get("type").asText(),
          at,
          t.path("channel").asText("web"),
          t.hasNonNull("value") ? t.get("value").decimalValue() : null,
          t.hasNonNull("currency") ? t.get("currency").asText() : null,
          properties));
    }
    return out;
  }

  private static Instant instant(String where, String field, String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidScenarioException(where + ": " + field + " '" + text + "' is not an ISO-8601 time with offset");
    }
  }
}
