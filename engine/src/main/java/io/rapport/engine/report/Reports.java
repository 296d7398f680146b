package io.rapport.engine.report;

import io.rapport.rules.Transition;
import io.rapport.rules.replay.Comparison;
import io.rapport.rules.replay.ReplayReport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Replay and simulation reports as JSON, the same for the command line and the API. */
public final class Reports {
  private Reports() {}

  public static JsonObject toJson(ReplayReport r) {
    return new JsonObject()
        .put("customers", r.customers())
        .put("touchpoints", r.touchpoints())
        .put("stages", counts(r.stages()))
        .put("transitions", counts(r.transitions()))
        .put("actions", counts(r.actions()));
  }

  public static JsonObject toJson(Comparison c) {
    JsonObject stages = new JsonObject();
    c.stageCounts().forEach((s, n) -> stages.put(s, side(n[0], n[1])));
    JsonObject actions = new JsonObject();
    TreeSet<String> templates = new TreeSet<>(c.baseline().actions().keySet());
    templates.addAll(c.candidate().actions().keySet());
    templates.forEach(t -> actions.put(t, side(c.baseline().actions().getOrDefault(t, 0L), c.candidate().actions().getOrDefault(t, 0L))));
    JsonArray sample = new JsonArray();
    for (Comparison.ChangedCustomer x : c.sample()) {
      sample.add(new JsonObject()
          .put("customerId", x.customerId())
          .put("baseline", new JsonObject().put("stage", x.baselineStage()).put("path", path(x.baselinePath())))
          .put("candidate", new JsonObject().put("stage", x.candidateStage()).put("path", path(x.candidatePath()))));
    }
    return new JsonObject()
        .put("baseline", toJson(c.baseline()))
        .put("candidate", toJson(c.candidate()))
        .put("stages", stages)
        .put("actions", actions)
        .put("customersChanged", c.customersChanged())
        .put("sample", sample);
  }

  private static JsonObject side(long baseline, long candidate) {
    return new JsonObject().put("baseline", baseline).put("candidate", candidate).put("difference", candidate - baseline);
  }

  private static JsonArray path(List<Transition> transitions) {
    JsonArray out = new JsonArray();
    transitions.forEach(t -> out.add(new JsonObject().put("from", t.from()).put("to", t.to()).put("rule", t.rule())
        .put("touchpointId", t.touchpointId()).put("at", t.at().toString())));
    return out;
  }

  private static JsonObject counts(Map<String, Long> counts) {
    JsonObject o = new JsonObject();
    counts.forEach(o::put);
    return o;
  }
}
