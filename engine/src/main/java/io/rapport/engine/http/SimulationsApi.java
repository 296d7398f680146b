package io.rapport.engine.http;

import io.rapport.engine.access.Keys;
import io.rapport.engine.access.Scope;
import io.rapport.engine.report.Reports;
import io.rapport.engine.rulebase.RuleBase;
import io.rapport.engine.store.Store;
import io.rapport.rules.InvalidRulesException;
import io.rapport.rules.RuleBook;
import io.rapport.rules.replay.Simulation;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /v1/simulations: replays the stored touchpoints of a time window under the active rules
 * and under candidate files, in memory, and answers both reports and their difference. Nothing
 * live changes and nothing is sent.
 */
public final class SimulationsApi {
  private static final Logger LOG = LoggerFactory.getLogger(SimulationsApi.class);
  private final Vertx vertx;
  private final Store store;
  private final RuleBase rules;
  private final Guard guard;

  public SimulationsApi(Vertx vertx, Store store, RuleBase rules, Keys keys) {
    this.vertx = vertx;
    this.store = store;
    this.rules = rules;
    this.guard = new Guard(keys);
  }

  public void mount(Router router) {
    router.post("/v1/simulations").handler(BodyHandler.create(false).setBodyLimit(4L * 1024 * 1024));
    router.post("/v1/simulations").handler(this::simulate);
  }

  private void simulate(RoutingContext ctx) {
    if (!guard.allows(ctx, Scope.ADMIN)) {
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null) {
      Errors.send(ctx, 400, "send {\"files\": {\"NAME.drl\": \"...\"}, \"from\": \"...\", \"until\": \"...\"}");
      return;
    }
    Instant from;
    Instant until;
    try {
      from = OffsetDateTime.parse(body.getString("from", "")).toInstant();
      until = OffsetDateTime.parse(body.getString("until", "")).toInstant();
    } catch (DateTimeParseException | ClassCastException e) {
      Errors.send(ctx, 400, "from and until must be ISO-8601 times with offset");
      return;
    }
    if (until.isBefore(from)) {
      Errors.send(ctx, 400, "until is before from");
      return;
    }
    Map<String, String> candidate = new TreeMap<>(rules.current().files());
    JsonObject files = body.getJsonObject("files", new JsonObject());
    JsonArray problems = new JsonArray();
    for (String name : files.fieldNames()) {
      try {
        String path = RuleBase.pathOf(name);
        Object text = files.getValue(name);
        if (text == null) {
          candidate.remove(path); // a candidate without this file
        } else if (text instanceof String s) {
          candidate.put(path, s);
        } else {
          problems.add(new JsonObject().put("file", name).put("message", "must be the file's text"));
        }
      } catch (IllegalArgumentException e) {
        problems.add(new JsonObject().put("file", name).put("message", e.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      Errors.send(ctx, 400, "invalid files", problems);
      return;
    }
    Map<String, String> drl = new TreeMap<>();
    candidate.forEach((p, t) -> {
      if (p.endsWith(".drl")) {
        drl.put(p, t);
      }
    });
    vertx.executeBlocking(() -> {
      long start = System.nanoTime();
      RuleBook candidateRules = rules.compile(drl);
      Simulation simulation = new Simulation(rules.active().get(), candidateRules);
      store.touchpointsBetween(from, until, simulation::offer);
      JsonObject result = Reports.toJson(simulation.finish(until));
      return result.put("activeVersion", rules.current().version()).put("millis", (System.nanoTime() - start) / 1_000_000);
    }, false).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Content-Type", "application/json").end(ar.result().encode());
      } else if (ar.cause() instanceof InvalidRulesException e) {
        JsonArray details = new JsonArray();
        e.problems().forEach(p -> details.add(new JsonObject().put("file", RuleBase.nameOf(p.file())).put("line", p.line())
            .put("column", p.column()).put("message", p.message())));
        Errors.send(ctx, 422, "the candidate rules do not compile", details);
      } else {
        LOG.warn("simulation failed", ar.cause());
        Errors.send(ctx, 503, "the simulation could not run; retry shortly");
      }
    });
  }
}
