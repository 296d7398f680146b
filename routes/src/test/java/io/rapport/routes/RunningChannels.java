package io.rapport.routes;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rapport.messages.Addresses;
import io.rapport.messages.CanonicalTouchpoint;
import io.rapport.messages.ValidTouchpoints;
import io.rapport.routes.ingest.IngestKey;
import io.rapport.routes.ChannelMessages;
import io.rapport.routes.webhooks.WebhookSignature;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The default routes running on a real Vert.x HTTP server, with what the server binds for them; the engine's side of
 * the event bus is a consumer that records each batch and answers as the engine would (or fails as told).
 */
public final class RunningChannels implements AutoCloseable {
  public final Vertx vertx = Vertx.vertx();
  public final List<ValidTouchpoints> engineGot = new CopyOnWriteArrayList<>();
  public final ChannelMessages messages = new ChannelMessages(new SimpleMeterRegistry());
  public volatile int engineFailure;
  public final Channels channels;
  final HttpServer server;

  /** What the server binds for the routes: the ingest key, the webhook signatures, the channel counts. */
  public static Map<String, Object> serverBeans(IngestKey key) {
    return serverBeans(key, Map.of(), Clock.systemUTC(), new ChannelMessages(new SimpleMeterRegistry()));
  }

  public static Map<String, Object> serverBeans(IngestKey key, Map<String, String> secrets, Clock clock,
      ChannelMessages messages) {
    return Map.of(IngestKey.BEAN, key, WebhookSignature.BEAN, new WebhookSignature(secrets, Duration.ofMinutes(5), clock),
        ChannelMessages.BEAN, messages);
  }

  public RunningChannels(Path drop, Path mappings, Map<String, String> secrets, Clock clock) throws Exception {
    vertx.eventBus().<Object>consumer(Addresses.TOUCHPOINTS, m -> {
      if (engineFailure != 0) {
        m.fail(engineFailure, "engine says no");
        return;
      }
      ValidTouchpoints batch = (ValidTouchpoints) m.body();
      engineGot.add(batch);
      m.reply(new JsonObject().put("accepted", batch.items().size()).put("duplicates", 0));
    });
    Properties p = RouteSettings.allOff();
    p.setProperty("rapport.drop.dir", drop == null ? "" : drop.toString());
    p.setProperty("rapport.mappings.dir", mappings == null ? "" : mappings.toString());
    Router router = Router.router(vertx);
    channels = Channels.start(vertx, router, p, List.of(),
        serverBeans(new IngestKey(List.of(), true), secrets, clock, messages));
    server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /** Every touchpoint the engine was handed, in order. */
  public List<CanonicalTouchpoint> touchpoints() {
    return engineGot.stream().flatMap(b -> b.items().stream()).toList();
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() throws Exception {
    channels.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
