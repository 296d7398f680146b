package io.rapport.rules.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.rapport.rules.ActionRequest;
import io.rapport.rules.Consent;
import io.rapport.rules.Customer;
import io.rapport.rules.RuleBook;
import io.rapport.rules.Timeline;
import io.rapport.rules.Touchpoint;
import io.rapport.rules.TimerRequest;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import java.util.Objects;

/** Plays scenarios against a rule book, in event time, and says what differed. */
public final class ScenarioRunner {
  private final RuleBook rules;

  public ScenarioRunner(RuleBook rules) {
    this.rules = rules;
  }

  public List<ScenarioResult> runAll(List<Scenario> scenarios) {
    return scenarios.stream().map(this::run).toList();
  }

  public ScenarioResult run(Scenario s) {
    List<String> transitions = new ArrayList<>();
    List<ActionRequest> actions = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Timeline timeline = new Timeline(rules, (t, d, c) -> {
      d.transitions().forEach(tr -> transitions.add(tr.from() + "->" + tr.to()));
      // what the consent guardrail would hold back when these are sent
      d.actions().forEach(a -> actions.add(!a.suppressed() && !a.transactional()
          && Consent.optedOut(c.getAttributes(), a.channel()) ? a.suppressedFor("consent") : a));
      if (d.failedToDecide()) {
        errors.add("a rule failed on " + t.id() + ": " + d.error());
      }
    });
    timeline.seed(s.customer().copy());
    for (Touchpoint t : s.touchpoints()) {
      timeline.offer(t);
    }
    timeline.finish(s.until());
    Customer after = timeline.customer(s.customer().getId());
    List<String> diff = new ArrayList<>(errors);
    JsonNode e = s.expect();
    if (e.has("stage")) {
      same(diff, "stage", e.get("stage").asText(), after.getStage());
    }
    if (e.has("transitions")) {
      same(diff, "transitions", texts(e.get("transitions")), transitions);
    }
    if (e.has("actions")) {
      actions(diff, "actions", e.get("actions"), actions.stream().filter(a -> !a.suppressed()).toList());
    }
    if (e.has("suppressed")) {
      actions(diff, "suppressed", e.get("suppressed"), actions.stream().filter(ActionRequest::suppressed).toList());
    }
    if (e.has("attributes")) {
      e.get("attributes").fields().forEachRemaining(f -> {
        Object actual = after.attribute(f.getKey());
        String expected = f.getValue().isNull() ? null : f.getValue().asText();
        same(diff, "attributes." + f.getKey(), expected, actual == null ? null : actual.toString());
      });
    }
    if (e.has("timers")) {
      same(diff, "pending timers", texts(e.get("timers")).stream().sorted().toList(),
          timeline.pendingTimers().stream().map(TimerRequest::name).sorted().toList());
    }
    if (e.has("duplicates")) {
      same(diff, "duplicates", e.get("duplicates").asLong(), timeline.duplicates());
    }
    if (e.has("orders")) {
      same(diff, "orders", e.get("orders").asInt(), after.getOrders());
    }
    if (e.has("revenue")) {
      BigDecimal expected = e.get("revenue").decimalValue();
      if (expected.compareTo(after.getRevenue()) != 0) {
        diff.add("revenue: expected " + expected.toPlainString() + ", got " + after.getRevenue().toPlainString());
      }
    }
    return new ScenarioResult(s, diff);
  }

  private static void same(List<String> diff, String what, Object expected, Object actual) {
    if (!Objects.equals(expected, actual)) {
      diff.add(what + ": expected " + expected + ", got " + actual);
    }
  }

  private static List<String> texts(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.asText()));
    return out;
  }

  /**
   * Expected actions, in order: "channel:template" or a map of channel, template, params and
   * reason (each optional, compared when given).
   */
  private static void actions(List<String> diff, String what, JsonNode expected, List<ActionRequest> actual) {
    List<String> got = actual.stream().map(a -> a.channel() + ":" + a.template()).toList();
    if (expected.size() != actual.size()) {
      diff.add(what + ": expected " + expected.size() + " " + describe(expected) + ", got " + got);
      return;
    }
    Iterator<ActionRequest> it = actual.iterator();
    int i = 0;
    for (JsonNode x : expected) {
      ActionRequest a = it.next();
      i++;
      String where = what + "[" + i + "]";
      if (x.isTextual()) {
        same(diff, where, x.asText(), a.channel() + ":" + a.template());
        continue;
      }
      if (x.has("channel")) {
        same(diff, where + ".channel", x.get("channel").asText(), a.channel());
      }
      if (x.has("template")) {
        same(diff, where + ".template", x.get("template").asText(), a.template());
      }
      if (x.has("reason")) {
        same(diff, where + ".reason", x.get("reason").asText(), a.suppressedBecause());
      }
      if (x.has("params")) {
        x.get("params").fields().forEachRemaining(p -> {
          Object v = a.params().get(p.getKey());
          String expectedText = p.getValue().asText();
          String actualText = v == null ? null : v.toString();
          // "R15-*": a text that begins so (a discount code is keyed with the server's secret)
          if (expectedText.endsWith("*") && actualText != null
              && actualText.startsWith(expectedText.substring(0, expectedText.length() - 1))) {
            return;
          }
          same(diff, where + ".params." + p.getKey(), expectedText, actualText);
        });
      }
    }
  }

  private static String describe(JsonNode expected) {
    List<String> out = new ArrayList<>();
    expected.forEach(n -> out.add(n.isTextual() ? n.asText()
        : n.path("channel").asText("?") + ":" + n.path("template").asText("?")));
    return out.toString();
  }

}
