package io.rapport.engine.http;

import io.rapport.engine.access.Keys;
import io.rapport.engine.access.Scope;
import io.rapport.engine.rulebase.RefusedRules;
import io.rapport.engine.rulebase.RuleBase;
import io.rapport.engine.rulebase.UnknownRuleFile;
import io.rapport.engine.rulebase.Validation;
import io.rapport.engine.store.RuleVersion;
import io.rapport.rules.RuleProblem;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The rule base over HTTP: read it, validate a file, put or delete one live, roll back. */
public final class RulesApi {
  private static final Logger LOG = LoggerFactory.getLogger(RulesApi.class);
  private static final long MAX_FILE_BYTES = 256 * 1024;
  private final Vertx vertx;
  private final RuleBase rules;
  private final Guard guard;

  public RulesApi(Vertx vertx, RuleBase rules, Keys keys) {
    this.vertx = vertx;
    this.rules = rules;
    this.guard = new Guard(keys);
  }

  public void mount(Router router) {
    router.route("/v1/rules*").handler(BodyHandler.create(false).setBodyLimit(MAX_FILE_BYTES));
    router.get("/v1/rules").handler(ctx -> {
      if (guard.allows(ctx, Scope.READ)) {
        ok(ctx, 200, active(rules.current()));
      }
    });
    router.get("/v1/rules/versions").handler(ctx -> {
      if (guard.allows(ctx, Scope.READ)) {
        blocking(ctx, () -> {
          JsonArray versions = new JsonArray();
          for (RuleVersion v : rules.versions()) {
            versions.add(summary(v));
          }
          return new JsonObject().put("active", rules.current().version()).put("versions", versions);
        });
      }
    });
    router.get("/v1/rules/:file").handler(ctx -> {
      if (!guard.allows(ctx, Scope.READ)) {
        return;
      }
      String path = path(ctx);
      if (path == null) {
        return;
      }
      String text = rules.current().files().get(path);
      if (text == null) {
        Errors.send(ctx, 404, "no such rule file: " + ctx.pathParam("file"));
      } else {
        ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
      }
    });
    router.post("/v1/rules/validate").handler(ctx -> {
      String file = ctx.queryParams().get("file");
      if (!guard.allows(ctx, Scope.ADMIN) || !textBody(ctx)) {
        return;
      }
      if (file == null || !RuleBase.FILE_NAME.matcher(file).matches()) {
        Errors.send(ctx, 400, "give the file name: /v1/rules/validate?file=NAME.drl");
        return;
      }
      String text = ctx.body().asString();
      blocking(ctx, () -> validation(rules.validate(file, text)));
    });
    router.put("/v1/rules/:file").handler(ctx -> {
      Optional<String> by = guard.admits(ctx, Scope.ADMIN);
      if (by.isEmpty() || path(ctx) == null || !textBody(ctx)) {
        return;
      }
      String file = ctx.pathParam("file");
      String text = ctx.body().asString();
      blocking(ctx, () -> active(rules.put(file, text, by.get())));
    });
    router.delete("/v1/rules/:file").handler(ctx -> {
      Optional<String> by = guard.admits(ctx, Scope.ADMIN);
      if (by.isEmpty() || path(ctx) == null) {
        return;
      }
      String file = ctx.pathParam("file");
      blocking(ctx, () -> active(rules.delete(file, by.get())));
    });
    router.post("/v1/rules/rollback").handler(ctx -> {
      Optional<String> by = guard.admits(ctx, Scope.ADMIN);
      if (by.isEmpty()) {
        return;
      }
      Integer version;
      try {
        JsonObject body = ctx.body().asJsonObject();
        version = body == null ? null : body.getInteger("version");
      } catch (DecodeException | ClassCastException e) {
        version = null;
      }
      if (version == null || version < 1) {
        Errors.send(ctx, 400, "send {\"version\": V} with the version to make active again");
        return;
      }
      int v = version;
      blocking(ctx, () -> active(rules.rollback(v, by.get())));
    });
  }

  private static String path(RoutingContext ctx) {
    try {
      return RuleBase.pathOf(ctx.pathParam("file"));
    } catch (IllegalArgumentException e) {
      Errors.send(ctx, 400, e.getMessage());
      return null;
    }
  }

  private static boolean textBody(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase().startsWith("text/plain")) {
      Errors.send(ctx, 415, "send the file as text/plain");
      return false;
    }
    if (ctx.body() == null || ctx.body().length() == 0) {
      Errors.send(ctx, 400, "the body is empty: send the file's text");
      return false;
    }
    return true;
  }

  private void blocking(RoutingContext ctx, Callable<JsonObject> work) {
    vertx.executeBlocking(work, false).onComplete(ar -> {
      if (ar.succeeded()) {
        ok(ctx, 200, ar.result());
      } else if (ar.cause() instanceof RefusedRules r) {
        refused(ctx, r);
      } else if (ar.cause() instanceof UnknownRuleFile u) {
        Errors.send(ctx, 404, u.getMessage());
      } else if (ar.cause() instanceof IllegalArgumentException i) {
        Errors.send(ctx, 400, i.getMessage());
      } else {
        LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), ar.cause());
        Errors.send(ctx, 503, "the rule base could not be changed; retry shortly");
      }
    });
  }

  private static void ok(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static void refused(RoutingContext ctx, RefusedRules r) {
    JsonArray details = problems(r.problems());
    JsonArray scenarios = new JsonArray();
    r.failedScenarios().forEach(s -> scenarios.add(new JsonObject()
        .put("scenario", s.scenario().title()).put("differences", new JsonArray(s.differences()))));
    ctx.response().setStatusCode(422).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", "rules refused: " + r.getMessage()).put("details", details)
            .put("scenarios", scenarios).encode());
  }

  private static JsonObject validation(Validation v) {
    return new JsonObject().put("valid", v.valid()).put("errors", problems(v.errors())).put("warnings", problems(v.warnings()));
  }

  private static JsonArray problems(List<RuleProblem> problems) {
    JsonArray out = new JsonArray();
    problems.forEach(p -> out.add(new JsonObject().put("file", p.file()).put("line", p.line())
        .put("column", p.column()).put("message", p.message())));
    return out;
  }

  private JsonObject active(RuleVersion v) {
    JsonArray files = new JsonArray();
    v.files().keySet().forEach(path -> files.add(RuleBase.nameOf(path)));
    return summary(v).put("files", files).put("rules", new JsonArray(rules.active().get().ruleNames()));
  }

  private static JsonObject summary(RuleVersion v) {
    return new JsonObject().put("version", v.version()).put("checksum", v.checksum())
        .put("activatedAt", v.activatedAt().toString()).put("activatedBy", v.activatedBy()).put("note", v.note());
  }
}
