package io.rapport.engine.http;

import io.rapport.engine.access.Keys;
import io.rapport.engine.access.Scope;
import io.rapport.engine.outbox.ConnectorRouting;
import io.rapport.engine.store.ConnectorPause;
import io.rapport.engine.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The connectors for operators (admin): {@code GET /v1/connectors} lists each with whether it is on (its address
 * set), paused, the channels it takes and its pending actions; {@code POST /v1/connectors/{name}/pause} and {@code
 * /resume} hold and release its actions, durably (a restart keeps the pause) and for every server on the database.
 */
public final class ConnectorsApi {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

  private final Vertx vertx;
  private final Store store;
  private final Guard guard;
  private final ConnectorRouting routing;
  private final Clock clock;
  private final Runnable pausesChanged;

  public ConnectorsApi(Vertx vertx, Store store, Keys keys, ConnectorRouting routing, Clock clock,
      Runnable pausesChanged) {
    this.vertx = vertx;
    this.store = store;
    this.guard = new Guard(keys);
    this.routing = routing;
    this.clock = clock;
    this.pausesChanged = pausesChanged;
  }

  public void mount(Router router) {
    router.get("/v1/connectors").handler(this::list);
    router.post("/v1/connectors/:name/pause").handler(ctx -> change(ctx, true));
    router.post("/v1/connectors/:name/resume").handler(ctx -> change(ctx, false));
  }

  private void list(RoutingContext ctx) {
    if (!guard.allows(ctx, Scope.ADMIN)) {
      return;
    }
    vertx.executeBlocking(() -> {
      Map<String, Long> pendingByChannel = store.pendingActionsByChannel();
      List<ConnectorPause> paused = store.pausedConnectors();
      TreeSet<String> names = new TreeSet<>(ConnectorRouting.BUILT_IN);
      names.addAll(routing.connectors());
      paused.forEach(p -> names.add(p.connector()));
      Map<String, Long> pending = new HashMap<>();
      pendingByChannel.forEach((channel, n) -> pending.merge(routing.connectorFor(channel), n, Long::sum));
      JsonArray items = new JsonArray();
      for (String name : names) {
        Optional<ConnectorPause> pause = paused.stream().filter(p -> p.connector().equals(name)).findFirst();
        JsonArray channels = new JsonArray();
        routing.byChannel().forEach((channel, connector) -> {
          if (connector.equals(name)) {
            channels.add(channel);
          }
        });
        if (name.equals(routing.defaultConnector())) {
          channels.add("*");
        }
        items.add(new JsonObject().put("name", name).put("on", routing.isOn(name)).put("paused", pause.isPresent())
            .put("pausedAt", pause.map(p -> p.since().toString()).orElse(null))
            .put("pausedBy", pause.map(ConnectorPause::by).orElse(null))
            .put("channels", channels).put("pending", pending.getOrDefault(name, 0L)));
      }
      return new JsonObject().put("items", items);
    }, false)
        .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json").end(body.encode()))
        .onFailure(e -> ActionsApi.unavailable(ctx, e));
  }

  private void change(RoutingContext ctx, boolean pause) {
    Optional<String> holder = guard.admits(ctx, Scope.ADMIN);
    if (holder.isEmpty()) {
      return;
    }
    String name = ctx.pathParam("name");
    if (!NAME.matcher(name).matches()) {
      Errors.send(ctx, 400, "a connector name is a lowercase word, such as email or webhook");
      return;
    }
    if (pause && !ConnectorRouting.BUILT_IN.contains(name) && !routing.connectors().contains(name)) {
      Errors.send(ctx, 404, "no connector named '" + name + "': see GET /v1/connectors");
      return;
    }
    vertx.executeBlocking(() -> {
      if (pause) {
        store.pauseConnector(name, clock.instant(), holder.get());
        return true;
      }
      return store.resumeConnector(name);
    }, false)
        .onSuccess(changed -> {
          pausesChanged.run();
          ctx.response().putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("name", name).put("paused", pause).put("changed", changed).encode());
        })
        .onFailure(e -> ActionsApi.unavailable(ctx, e));
  }
}
