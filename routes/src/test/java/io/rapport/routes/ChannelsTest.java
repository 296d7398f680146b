package io.rapport.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rapport.messages.ActionMessage;
import io.rapport.messages.Addresses;
import io.rapport.messages.CanonicalTouchpoint;
import io.rapport.messages.ValidTouchpoints;
import io.rapport.routes.ingest.IngestKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every default route, loaded and running on a real Vert.x HTTP server; the engine's side of the
 * event bus is played by a consumer that records what it gets and answers as the engine would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelsTest {
  private Vertx vertx;
  private HttpServer server;
  private Channels channels;
  private Path drop;
  private HttpServer receiver;
  private final List<List<CanonicalTouchpoint>> engineGot = new CopyOnWriteArrayList<>();
  private final List<String> receiverGot = new CopyOnWriteArrayList<>();
  private volatile int engineFailure;
  private volatile int receiverStatus = 200;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ChannelMessages counts = new ChannelMessages(new SimpleMeterRegistry());

  @BeforeAll
  void start(@TempDir Path dropDir) throws Exception {
    vertx = Vertx.vertx();
    drop = dropDir;
    vertx.eventBus().<Object>consumer(Addresses.TOUCHPOINTS, m -> {
      if (engineFailure != 0) {
        m.fail(engineFailure, "engine says no");
        return;
      }
      // both routes hand over what they validated, as it is
      List<CanonicalTouchpoint> items = ((ValidTouchpoints) m.body()).items();
      engineGot.add(items);
      m.reply(new JsonObject().put("accepted", items.size()).put("duplicates", 0));
    });
    receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      receiverGot.add(req.getHeader("Idempotency-Key") + " " + req.getHeader("Content-Type") + " " + b);
      req.response().setStatusCode(receiverStatus).end();
    })).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Router router = Router.router(vertx);
    Properties p = settings();
    p.setProperty("rapport.drop.dir", drop.toString());
    p.setProperty("rapport.webhook.url", "http://127.0.0.1:" + receiver.actualPort() + "/hook?token=s3cret");
    channels = Channels.start(vertx, router, p, List.of(),
        RunningChannels.serverBeans(new IngestKey(List.of(), true), Map.of(), Clock.systemUTC(), counts));
    server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Every setting the default routes read, as the server would give them (the drop folder off). */
  private static Properties settings() {
    Properties p = RouteSettings.allOff();
    p.setProperty("rapport.drop.chunk-size", "2");
    p.setProperty("rapport.ingest.max-body-bytes", "4096");
    p.setProperty("rapport.ingest.max-batch-items", "5");
    return p;
  }

  @AfterAll
  void stop() throws Exception {
    channels.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    engineGot.clear();
    receiverGot.clear();
    engineFailure = 0;
    receiverStatus = 200;
  }

  private HttpResponse<String> post(String contentType, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/touchpoints"))
        .header("Content-Type", contentType).header("X-Secret-Header", "leak?")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String touchpoint(String id) {
    return "{\"id\":\"" + id + "\",\"customerId\":\"c1\",\"type\":\"purchase\",\"occurredAt\":\"2026-11-24T10:15:00Z\"}";
  }

  @Test
  void everyDefaultRouteIsLoaded() {
    assertThat(channels.camel().getRoutes()).extracting(r -> r.getRouteId())
        .containsExactlyInAnyOrder("touchpoints-http", "touchpoints-webhooks", "touchpoints-drop-folder",
            "touchpoints-backfill", "actions-out", "connector-webhook", "connector-log", "connector-email",
            "template-preview", "connector-slack", "connector-sms", "connector-ticket", "connector-kafka");
  }

  @Test
  void aValidBatchReachesTheEngineAndGets202WithItsReply() throws Exception {
    HttpResponse<String> r = post("application/json", "[" + touchpoint("a") + "," + touchpoint("b") + "]");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("accepted", 2).put("duplicates", 0));
    assertThat(r.headers().firstValue("X-Secret-Header")).isEmpty();
    assertThat(engineGot).hasSize(1);
    assertThat(engineGot.get(0).get(1).id()).isEqualTo("b");
    assertThat(counts.count("http", ChannelMessages.ACCEPTED)).isEqualTo(2);
  }

  @Test
  void badInputIsRefusedBeforeTheEngineSeesIt() throws Exception {
    HttpResponse<String> bad = post("application/json", "[" + touchpoint("a") + ",{\"id\":\"b\"}]");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getJsonArray("details")).isNotEmpty();
    assertThat(post("text/plain", touchpoint("a")).statusCode()).isEqualTo(415);
    assertThat(post("application/x-www-form-urlencoded", touchpoint("a")).statusCode()).isEqualTo(415);
    assertThat(post("application/json", "[" + (touchpoint("x") + ",").repeat(5) + touchpoint("y") + "]").statusCode()).isEqualTo(413);
    HttpResponse<String> huge = post("application/json", "[" + (touchpoint("x") + ",").repeat(60) + touchpoint("y") + "]");
    assertThat(huge.statusCode()).isEqualTo(413);
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/touchpoints")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(engineGot).isEmpty();
    // the body over ingest.max-body-bytes is refused by the HTTP server before the route sees it
    assertThat(counts.count("http", ChannelMessages.REJECTED)).as("each request the route refused").isEqualTo(4);
  }

  @Test
  void aConfiguredIngestKeyIsRequired() throws Exception {
    Vertx other = Vertx.vertx();
    try {
      Router router = Router.router(other);
      Channels keyed = Channels.start(other, router, settings(), List.of(),
          RunningChannels.serverBeans(new IngestKey(List.of("sekret", "the-admin-key"), false)));
      HttpServer s = other.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      URI uri = URI.create("http://127.0.0.1:" + s.actualPort() + "/v1/touchpoints");
      HttpRequest.Builder req = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(touchpoint("k1")));
      assertThat(http.send(req.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      assertThat(http.send(req.copy().header("Authorization", "Bearer nope").build(), HttpResponse.BodyHandlers.ofString())
          .statusCode()).isEqualTo(403);
      other.eventBus().<Object>consumer(Addresses.TOUCHPOINTS, m -> m.reply(new JsonObject().put("accepted", 1).put("duplicates", 0)));
      assertThat(http.send(req.copy().header("Authorization", "Bearer sekret").build(), HttpResponse.BodyHandlers.ofString())
          .statusCode()).isEqualTo(202);
      assertThat(http.send(req.copy().header("Authorization", "Bearer the-admin-key").build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).as("an admin key is accepted everywhere").isEqualTo(202);
      keyed.close();
    } finally {
      other.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSaturatedEngineMeans503WithRetryAfter() throws Exception {
    engineFailure = 503;
    HttpResponse<String> r = post("application/json", touchpoint("a"));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(new JsonObject(r.body()).getString("error")).contains("retry");
  }

  @Test
  void aGoodDroppedFileIsIngestedInChunksAndMovedToDone() throws Exception {
    Files.writeString(drop.resolve("batch.ndjson"), touchpoint("f1") + "\n" + touchpoint("f2") + "\n" + touchpoint("f3") + "\n");
    await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(drop.resolve(".done/batch.ndjson")));
    assertThat(engineGot).extracting(List::size).containsExactly(2, 1);
    assertThat(drop.resolve("batch.ndjson")).doesNotExist();
  }

  @Test
  void aDroppedFileWithABadLineIsNotIngestedAndGetsAReport() throws Exception {
    Files.writeString(drop.resolve("bad.ndjson"), touchpoint("g1") + "\n{\"id\":\"g2\"}\n");
    Path report = drop.resolve(".failed/bad.ndjson.errors.json");
    await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(report) && Files.exists(drop.resolve(".failed/bad.ndjson")));
    JsonObject errors = new JsonObject(Files.readString(report));
    assertThat(errors.getJsonArray("details").getJsonObject(0).getInteger("line")).isEqualTo(2);
    assertThat(engineGot).isEmpty();
  }

  private JsonObject deliver(String connector) throws Exception {
    JsonObject action = new JsonObject().put("id", 1).put("idempotencyKey", "evt-1/0").put("customerId", "c1")
        .put("channel", "email").put("template", "welcome").put(ActionMessage.CONNECTOR, connector);
    return vertx.eventBus().<JsonObject>request(Addresses.ACTIONS, action).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).body();
  }

  @Test
  void theWebhookGetsTheActionWithItsIdempotencyKey() throws Exception {
    assertThat(deliver("webhook")).isEqualTo(new JsonObject().put("outcome", "sent"));
    assertThat(receiverGot).singleElement().satisfies(line -> {
      assertThat(line).startsWith("evt-1/0 application/json ");
      assertThat(new JsonObject(line.substring(line.indexOf('{'))).getString("template")).isEqualTo("welcome");
      assertThat(line).doesNotContain("\"connector\"");
    });
  }

  @Test
  void webhookFailuresSayWhetherRetryingCanHelp() throws Exception {
    receiverStatus = 500;
    assertThat(deliver("webhook").getBoolean("retriable")).isTrue();
    receiverStatus = 429;
    assertThat(deliver("webhook").getBoolean("retriable")).isTrue();
    receiverStatus = 400;
    JsonObject refused = deliver("webhook");
    assertThat(refused.getString("outcome")).isEqualTo("failed");
    assertThat(refused.getBoolean("retriable")).isFalse();
    assertThat(refused.getString("error")).isEqualTo("HTTP 400").doesNotContain("s3cret");
  }

  @Test
  void theLogConnectorSendsAndAnUnknownConnectorFailsForGood() throws Exception {
    assertThat(deliver("log").getString("outcome")).isEqualTo("sent");
    JsonObject unknown = deliver("carrier-pigeon");
    assertThat(unknown.getBoolean("retriable")).isFalse();
    assertThat(unknown.getString("error")).contains("carrier-pigeon");
  }
}
