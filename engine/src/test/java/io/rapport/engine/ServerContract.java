package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rapport.engine.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What the running server does over HTTP, whatever the store: subclasses give the database.
 * One server for the class; each test uses its own customers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServerContract {
  static final String ADMIN_KEY = "test-admin-key";
  /** A named admin key: what it changes is recorded under "alice". */
  static final String ALICE_KEY = "alices-own-admin-key";
  Path dataDir;
  WebhookReceiver webhook;
  Server server;
  /** With the admin key, which every endpoint takes. */
  Api api;
  /** Without a key. */
  Api anonymous;
  /** The touchpoints this class sends, timed from the server's clock. */
  Touchpoints tp;
  /** What Micrometer logged while the server started. */
  final ListAppender<ILoggingEvent> micrometerLog = new ListAppender<>();

  /** The db.url to run on; empty for the embedded default. */
  abstract String databaseUrl() throws Exception;

  void dropDatabase() throws Exception {}

  /** The wall clock the server runs by; the touchpoints are timed from it. */
  Clock clock() {
    return Clock.systemUTC();
  }

  @BeforeAll
  void startServer(@TempDir Path dir) throws Exception {
    dataDir = dir;
    webhook = new WebhookReceiver();
    Map<String, String> values = new HashMap<>();
    values.put("http.port", "0");
    values.put("data.dir", dataDir.toString());
    values.put("db.url", databaseUrl());
    values.put("webhook.url", webhook.url());
    values.put("actions.connector", "webhook");
    values.put("actions.connectors", "support=log");
    values.put("outbox.max-attempts", "3");
    values.put("outbox.backoff-initial", "PT0.1S");
    values.put("outbox.backoff-max", "PT0.5S");
    values.put("outbox.poll-interval", "PT0.2S");
    values.put("ingest.max-body-bytes", "65536");
    values.put("metrics.refresh", "PT0.5S");
    // a loaded CI machine can make two counts of these small tables slow; the test waits 10 s
    values.put("metrics.count-spacing", "1");
    values.put("admin.key", ADMIN_KEY);
    // what is sent, whatever the hour the tests run at and however many emails one customer gets: GuardrailsIT
    // tests the guardrails
    values.put("guard.quiet.enabled", "false");
    values.put("guard.frequency.max", "0");
    values.put("admin.keys", "alice:" + ALICE_KEY);
    Logger micrometer = (Logger) LoggerFactory.getLogger("io.micrometer");
    micrometerLog.start();
    micrometer.addAppender(micrometerLog);
    try {
      server = Server.start(Settings.of(values), clock());
    } finally {
      micrometer.detachAppender(micrometerLog);
    }
    anonymous = new Api(server.port());
    api = anonymous.as(ADMIN_KEY);
    tp = new Touchpoints(clock());
  }

  @Test
  void micrometerHasNothingToWarnAboutWhileTheServerStarts() {
    // Micrometer applies a meter filter only to meters registered after it, and warns at start otherwise: whatever
    // its words, a warning of Micrometer's at start is a mistake of ours. Vert.x 4.5 registers its worker pool's
    // queue gauge a second time on the pool's first use, with or without Rapport: that one is Vert.x's.
    assertThat(micrometerLog.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage)
        .filteredOn(m -> !m.contains("'vertx.pool.queue.pending'"))
        .isEmpty();
  }

  @AfterAll
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
    if (webhook != null) {
      webhook.close();
    }
    dropDatabase();
  }

  @Test
  void everythingButTheMetricsAndProbesIsClosedWithoutAKey() throws Exception {
    String purchase = tp.purchase("evt-closed", "c-closed", 5);
    assertThat(anonymous.postJson(purchase).status()).isEqualTo(401);
    assertThat(anonymous.customer("c-a").status()).isEqualTo(401);
    assertThat(anonymous.journey("c-a").status()).isEqualTo(401);
    for (String path : new String[] {"/v1/rules", "/v1/rules/versions", "/v1/rules/purchases.drl",
        "/v1/touchpoints?outcome=rule_error"}) {
      Api.Response r = anonymous.get(path);
      assertThat(r.status()).as(path).isEqualTo(401);
      assertThat(r.raw().headers().firstValue("WWW-Authenticate")).as(path).hasValue("Bearer");
      assertThat(anonymous.get(path, "not-a-key").status()).as(path).isEqualTo(403);
    }
    assertThat(anonymous.post("/v1/simulations", "application/json", "{}").status()).isEqualTo(401);
    assertThat(anonymous.post("/v1/touchpoints/redecide", "application/json", "{}").status()).isEqualTo(401);
    assertThat(anonymous.ingest(purchase, "not-a-key").status()).isEqualTo(403);
    assertThat(api.customer("c-closed").status()).as("nothing was stored").isEqualTo(404);
    for (String open : new String[] {"/metrics", "/health/live", "/health/ready"}) {
      assertThat(anonymous.get(open).status()).as(open).isEqualTo(200);
    }
  }

  @Test
  void eachKeyOpensItsOwnSurfaceAndTheAdminKeyEveryOne() throws Exception {
    // not configured here: generated into the data directory at first start
    String ingestKey = java.nio.file.Files.readString(dataDir.resolve("ingest.key")).trim();
    String readKey = java.nio.file.Files.readString(dataDir.resolve("read.key")).trim();
    assertThat(ingestKey).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(readKey);

    assertThat(anonymous.ingest(tp.purchase("evt-keys", "c-keys", 5), ingestKey).status()).isEqualTo(202);
    assertThat(anonymous.ingest(tp.purchase("evt-keys2", "c-keys", 5), readKey).status()).isEqualTo(403);
    assertThat(anonymous.customer("c-keys").status()).isEqualTo(401);
    assertThat(anonymous.get("/v1/customers/c-keys", ingestKey).status()).isEqualTo(403);
    assertThat(anonymous.get("/v1/customers/c-keys", readKey).status()).isEqualTo(200);
    assertThat(anonymous.get("/v1/customers/c-keys/journey", readKey).status()).isEqualTo(200);
    assertThat(anonymous.get("/v1/rules", readKey).status()).isEqualTo(200);
    assertThat(anonymous.put("/v1/rules/vip.drl", "text/plain", Api.resource("/vip.drl"), readKey).status())
        .isEqualTo(403);
    assertThat(anonymous.get("/v1/touchpoints?outcome=rule_error", readKey).status()).isEqualTo(403);
    assertThat(api.get("/v1/customers/c-keys").status()).isEqualTo(200);
  }

  @Test
  void aPurchaseIsAcceptedOnceAndMakesANewCustomer() throws Exception {
    Api.Response first = api.postJson(tp.purchase("evt-a1", "c-a", 42.5));
    assertThat(first.status()).isEqualTo(202);
    assertThat(first.json()).isEqualTo(new JsonObject().put("accepted", 1).put("duplicates", 0));

    Api.Response again = api.postJson(tp.purchase("evt-a1", "c-a", 42.5));
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.json()).isEqualTo(new JsonObject().put("accepted", 0).put("duplicates", 1));

    JsonObject profile = api.customer("c-a").json();
    assertThat(profile.getString("stage")).isEqualTo("NEW_CUSTOMER");
    assertThat(profile.getString("stageSince")).isEqualTo(tp.at(Duration.ZERO));
    assertThat(profile.getJsonObject("aggregates").getInteger("orders")).isEqualTo(1);
    assertThat(profile.getJsonObject("aggregates").getDouble("revenue")).isEqualTo(42.5);
  }

  @Test
  void aBatchMixingStoredAndNewTouchpointsDecidesOnlyTheNewOnes() throws Exception {
    api.postJson(tp.purchase("evt-x1", "c-x", 10));

    Api.Response mixed = api.postJson("[" + tp.purchase("evt-x1", "c-x", 10) + "," + tp.purchase("evt-x2", "c-x", 20) + "]");
    assertThat(mixed.status()).isEqualTo(202);
    assertThat(mixed.json()).isEqualTo(new JsonObject().put("accepted", 1).put("duplicates", 1));

    Api.Response profile = api.customer("c-x");
    JsonObject aggregates = profile.json().getJsonObject("aggregates");
    assertThat(aggregates.getInteger("orders")).isEqualTo(2);
    assertThat(aggregates.getDouble("revenue")).isEqualTo(30.0);
    assertThat(profile.body()).contains("\"revenue\":30,"); // plain, as a dashboard reads it, not 3E+1
    assertThat(api.journey("c-x").json().getJsonArray("transitions")).hasSize(2);
  }

  @Test
  void visitsAndOpensMoveTheLastActivityAndALateOneChangesNothing() throws Exception {
    api.postJson(tp.purchase("evt-v1", "c-v", 20));
    long version = api.customer("c-v").json().getLong("version");

    api.postJson(tp.of("evt-v2", "c-v", "web_visit", Duration.ofHours(22), null));
    JsonObject profile = api.customer("c-v").json();
    assertThat(profile.getJsonObject("aggregates").getString("lastActivityAt")).isEqualTo(tp.at(Duration.ofHours(22)));
    assertThat(profile.getLong("version")).isEqualTo(version + 1);

    api.postJson(tp.of("evt-v3", "c-v", "email_open", Duration.ofHours(2), null)); // late, and earlier
    profile = api.customer("c-v").json();
    assertThat(profile.getJsonObject("aggregates").getString("lastActivityAt")).isEqualTo(tp.at(Duration.ofHours(22)));
    assertThat(profile.getLong("version")).as("stored state written again").isEqualTo(version + 1);

    api.postJson(tp.of("evt-v4", "c-v", "complaint", Duration.ofHours(23), null));
    profile = api.customer("c-v").json();
    assertThat(profile.getJsonObject("aggregates").getInteger("complaints")).isEqualTo(1);
    assertThat(profile.getJsonObject("aggregates").getString("lastActivityAt")).isEqualTo(tp.at(Duration.ofHours(23)));
    assertThat(profile.getLong("version")).isEqualTo(version + 2);
  }

  @Test
  void theJourneyNamesTheRuleAndTouchpointOfEveryTransitionAndAction() throws Exception {
    api.postJson("[" + tp.purchase("evt-b1", "c-b", 10) + "," + tp.purchase("evt-b2", "c-b", 10) + "]");
    JsonObject journey = api.journey("c-b").json();
    JsonArray transitions = journey.getJsonArray("transitions");
    assertThat(transitions).hasSize(2);
    assertThat(transitions.getJsonObject(0).getString("rule")).isEqualTo("First purchase makes a new customer");
    assertThat(transitions.getJsonObject(0).getString("touchpointId")).isEqualTo("evt-b1");
    assertThat(transitions.getJsonObject(1).getString("from")).isEqualTo("NEW_CUSTOMER");
    assertThat(transitions.getJsonObject(1).getString("to")).isEqualTo("REPEAT");
    assertThat(transitions.getJsonObject(1).getString("touchpointId")).isEqualTo("evt-b2");
    JsonArray actions = journey.getJsonArray("actions");
    assertThat(actions).hasSize(2);
    assertThat(actions.getJsonObject(1).getString("template")).isEqualTo("thank-you-repeat");
    assertThat(actions.getJsonObject(1).getString("rule")).isEqualTo("Second purchase makes a repeat customer");
    assertThat(actions.getJsonObject(1).getString("touchpointId")).isEqualTo("evt-b2");
  }

  @Test
  void anArrayAndNdjsonAreEachOneBatch() throws Exception {
    Api.Response array = api.postJson("[" + tp.purchase("evt-c1", "c-c1", 1) + "," + tp.purchase("evt-c2", "c-c2", 1) + "]");
    assertThat(array.json().getInteger("accepted")).isEqualTo(2);
    Api.Response ndjson = api.post("/v1/touchpoints", "application/x-ndjson",
        tp.purchase("evt-c3", "c-c3", 1) + "\n" + tp.purchase("evt-c4", "c-c3", 1) + "\n");
    assertThat(ndjson.status()).isEqualTo(202);
    assertThat(ndjson.json().getInteger("accepted")).isEqualTo(2);
    assertThat(api.customer("c-c3").json().getString("stage")).isEqualTo("REPEAT");
  }

  @Test
  void aBatchWithOneBadItemIsRejectedWholeAndStoresNothing() throws Exception {
    String good = tp.purchase("evt-d1", "c-d", 5);
    String bad = "{\"id\":\"evt-d2\",\"customerId\":\"c-d\",\"type\":\"purchase\",\"occurredAt\":\"yesterday\"}";
    Api.Response r = api.postJson("[" + good + "," + bad + "]");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonObject detail = r.json().getJsonArray("details").getJsonObject(0);
    assertThat(detail.getInteger("index")).isEqualTo(1);
    assertThat(detail.getString("field")).isEqualTo("occurredAt");
    assertThat(api.customer("c-d").status()).isEqualTo(404);
    assertThat(api.postJson(good).json().getInteger("accepted")).isEqualTo(1);
  }

  @Test
  void malformedRequestsGetClearErrorsAndChangeNothing() throws Exception {
    assertThat(api.postJson("{not json").status()).isEqualTo(400);
    assertThat(api.postJson("[]").status()).isEqualTo(400);
    assertThat(api.post("/v1/touchpoints", "application/x-www-form-urlencoded", tp.purchase("evt-e1", "c-e", 1)).status())
        .isEqualTo(415);
    Api.Response tooBig = api.postJson("[" + (tp.purchase("evt-e2", "c-e", 1) + ",").repeat(1000) + tp.purchase("evt-e3", "c-e", 1) + "]");
    assertThat(tooBig.status()).isEqualTo(413); // about 150 kB, over ingest.max-body-bytes (64 kB here)
    assertThat(tooBig.json().getString("error")).isEqualTo("request body too large");
    assertThat(api.customer("c-e").status()).isEqualTo(404);
    Api.Response unknown = api.customer("nobody");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("error")).isEqualTo("customer not found");
    assertThat(api.get("/v1/nothing-here").status()).isEqualTo(404);
  }

  @Test
  void oneCustomersTouchpointsAreDecidedInArrivalOrderUnderConcurrentLoad() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<Future<Api.Response>> sent = new ArrayList<>();
      for (int c = 0; c < 40; c++) {
        String customer = "c-load-" + c;
        sent.add(clients.submit(() -> {
          StringBuilder batch = new StringBuilder();
          for (int i = 1; i <= 5; i++) {
            batch.append(tp.of(customer + "-" + i, customer, "purchase", Duration.ofMinutes(i), 20.0)).append('\n');
          }
          return api.post("/v1/touchpoints", "application/x-ndjson", batch.toString());
        }));
      }
      for (Future<Api.Response> f : sent) {
        assertThat(f.get().status()).isEqualTo(202);
      }
    } finally {
      clients.shutdown();
    }
    for (int c = 0; c < 40; c++) {
      JsonArray transitions = api.journey("c-load-" + c).json().getJsonArray("transitions");
      assertThat(transitions.stream().map(t -> ((JsonObject) t).getString("to")))
          .containsExactly("NEW_CUSTOMER", "REPEAT", "LOYAL");
      assertThat(transitions.getJsonObject(2).getString("touchpointId")).isEqualTo("c-load-" + c + "-5");
    }
  }

  @Test
  void actionsReachTheWebhookWithTheirIdempotencyKey() throws Exception {
    api.postJson(tp.purchase("evt-f1", "c-f", 30));
    await().atMost(Duration.ofSeconds(10)).until(() -> !webhook.to("c-f").isEmpty());
    WebhookReceiver.Delivery d = webhook.to("c-f").get(0);
    assertThat(d.idempotencyKey()).isEqualTo("evt-f1/0");
    assertThat(d.contentType()).startsWith("application/json");
    assertThat(d.body().getString("template")).isEqualTo("welcome-first-purchase");
    assertThat(d.body().getString("rule")).isEqualTo("First purchase makes a new customer");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonObject action = api.journey("c-f").json().getJsonArray("actions").getJsonObject(0);
      assertThat(action.getString("status")).isEqualTo("sent");
      assertThat(action.getInteger("attempts")).isEqualTo(1);
      assertThat(action.getString("sentAt")).isNotNull();
    });
  }

  @Test
  void aWebhookThatFailsForAWhileGetsTheActionOnALaterAttempt() throws Exception {
    api.postJson(tp.purchase("evt-g1", "flaky-g", 30));
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      JsonObject action = api.journey("flaky-g").json().getJsonArray("actions").getJsonObject(0);
      assertThat(action.getString("status")).isEqualTo("sent");
      assertThat(action.getInteger("attempts")).isEqualTo(3);
    });
    assertThat(webhook.to("flaky-g")).hasSize(3).extracting(WebhookReceiver.Delivery::idempotencyKey).containsOnly("evt-g1/0");
  }

  @Test
  void aRefusedActionFailsAtOnceAndAnUnreachableOneAfterItsLastAttempt() throws Exception {
    api.postJson("[" + tp.purchase("evt-h1", "refused-h", 30) + "," + tp.purchase("evt-h2", "down-h", 30) + "]");
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      JsonObject refused = api.journey("refused-h").json().getJsonArray("actions").getJsonObject(0);
      assertThat(refused.getString("status")).isEqualTo("failed");
      assertThat(refused.getInteger("attempts")).isEqualTo(1);
      JsonObject down = api.journey("down-h").json().getJsonArray("actions").getJsonObject(0);
      assertThat(down.getString("status")).isEqualTo("failed");
      assertThat(down.getInteger("attempts")).isEqualTo(3);
      assertThat(down.getString("lastError")).contains("500");
    });
    assertThat(webhook.to("down-h")).hasSize(3);
  }

  @Test
  void aSlowWebhookHoldsBackOnlyItsOwnAction() throws Exception {
    api.postJson(tp.purchase("evt-s1", "slow-s", 30));
    await().atMost(Duration.ofSeconds(10)).until(() -> !webhook.to("slow-s").isEmpty());
    long posted = System.nanoTime();
    api.postJson(tp.purchase("evt-s2", "quick-s", 30));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(api.journey("quick-s").json().getJsonArray("actions").getJsonObject(0).getString("status")).isEqualTo("sent"));
    // the quick action was recorded while the slow one was still waiting for its answer
    assertThat(Duration.ofNanos(System.nanoTime() - posted)).isLessThan(WebhookReceiver.SLOW.minusSeconds(1));
    assertThat(api.journey("slow-s").json().getJsonArray("actions").getJsonObject(0).getString("status")).isEqualTo("pending");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(api.journey("slow-s").json().getJsonArray("actions").getJsonObject(0).getString("status")).isEqualTo("sent"));
    assertThat(webhook.to("slow-s")).hasSize(1);
  }

  @Test
  void healthSaysLiveAndReady() throws Exception {
    assertThat(api.get("/health/live").status()).isEqualTo(200);
    Api.Response ready = api.get("/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("store")).isEqualTo("UP");
    assertThat(ready.json().getInteger("ruleCount")).isGreaterThan(0);
  }

  @Test
  void metricsCountTouchpointsTransitionsActionsAndStages() throws Exception {
    api.postJson("[" + tp.purchase("evt-m1", "c-m", 1) + "," + tp.purchase("evt-m1", "c-m", 1) + "]");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Api.Response metrics = api.get("/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(metrics.body())
          .contains("rapport_touchpoints_total{channel=\"web\",outcome=\"decided\",type=\"purchase\"}")
          .contains("rapport_touchpoints_total{channel=\"web\",outcome=\"duplicate\",type=\"purchase\"}")
          .contains("rapport_stage_transitions_total{from=\"PROSPECT\",to=\"NEW_CUSTOMER\"}")
          .contains("rapport_actions_total{channel=\"email\",outcome=\"created\",type=\"send\"}")
          .contains("rapport_rule_firings_total{rule=\"First purchase makes a new customer\"}")
          .contains("rapport_decision_seconds_bucket")
          .contains("rapport_ingest_lag_seconds_count")
          .contains("rapport_group_commit_seconds_count")
          .contains("rapport_group_commit_touchpoints_bucket")
          .contains("rapport_customers{stage=\"NEW_CUSTOMER\"}")
          .contains("rapport_gauges_refresh_seconds_count")
          .contains("rapport_ingest_partitions")
          .contains("jvm_memory_used_bytes")
          .contains("hikaricp_connections")
          .contains("vertx_http_server_requests");
    });
  }

  @Test
  void rulesChangeLiveWithTheAdminKeyAndOnlyIfTheyCompileAndPassTheirScenarios() throws Exception {
    String vip = Api.resource("/vip.drl"); // a marketer's new rule: a big first order gets a call
    assertThat(api.put("/v1/rules/vip.drl", "text/plain", vip, null).status()).isEqualTo(401);
    assertThat(api.put("/v1/rules/vip.drl", "text/plain", vip, "wrong").status()).isEqualTo(403);

    Api.Response invalid = api.post("/v1/rules/validate?file=vip.drl", "text/plain", vip.replace("Customer(", "Custmer("), ADMIN_KEY);
    assertThat(invalid.status()).isEqualTo(200);
    assertThat(invalid.json().getBoolean("valid")).isFalse();
    JsonObject error = invalid.json().getJsonArray("errors").getJsonObject(0);
    assertThat(error.getString("file")).isEqualTo("vip.drl");
    assertThat(error.getInteger("line")).isEqualTo(7);

    int before = api.get("/v1/rules").json().getInteger("version");
    Api.Response hostile = api.put("/v1/rules/vip.drl", "text/plain", vip.replace("journey.send", "System.exit(1); journey.send"), ADMIN_KEY);
    assertThat(hostile.status()).isEqualTo(422);
    assertThat(hostile.json().getJsonArray("details").getJsonObject(0).getString("message")).contains("System");

    Api.Response put = api.put("/v1/rules/vip.drl", "text/plain", vip, ADMIN_KEY);
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().getInteger("version")).isEqualTo(before + 1);
    assertThat(put.json().getJsonArray("rules").getList()).contains("A big first order gets a thank-you call");

    api.postJson(tp.purchase("evt-r1", "c-vip", 1500));
    assertThat(api.journey("c-vip").json().getJsonArray("actions").stream()
        .map(a -> ((JsonObject) a).getString("template"))).contains("vip-thank-you");

    String breaksScenarios = api.get("/v1/rules/purchases.drl").body().replace("orders >= 2", "orders >= 3");
    Api.Response refused = api.put("/v1/rules/purchases.drl", "text/plain", breaksScenarios, ADMIN_KEY);
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().getJsonArray("scenarios")).isNotEmpty();
    assertThat(api.get("/v1/rules").json().getInteger("version")).isEqualTo(before + 1);

    Api.Response rollback = api.post("/v1/rules/rollback", "application/json", "{\"version\": " + before + "}", ADMIN_KEY);
    assertThat(rollback.status()).isEqualTo(200);
    assertThat(rollback.json().getJsonArray("files").getList()).doesNotContain("vip.drl");
    assertThat(api.get("/v1/rules/versions").json().getJsonArray("versions")).hasSize(before + 2);
    assertThat(api.post("/v1/rules/rollback", "application/json", "{\"version\": 999}", ADMIN_KEY).status()).isEqualTo(404);
    assertThat(api.post("/v1/rules/rollback", "application/json", "nonsense", ADMIN_KEY).status()).isEqualTo(400);
    assertThat(api.put("/v1/rules/..%2Fetc.drl", "text/plain", vip, ADMIN_KEY).status()).isEqualTo(400);
  }

  @Test
  void aSimulationBacktestsCandidateRulesOnStoredTouchpointsAndChangesNothingLive() throws Exception {
    // Two purchases two years back: live, their timers are long due.
    Duration twoYearsBack = Duration.ofDays(-730);
    api.postJson("[" + tp.of("sim-1", "c-sim", "purchase", twoYearsBack, 10.0) + ","
        + tp.of("sim-2", "c-sim", "purchase", twoYearsBack.plusDays(9), 10.0) + "]");
    // Let them fire and the actions reach the relay, then snapshot: decided on events two years old, every one is
    // held back as stale, never sent.
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      JsonObject j = api.journey("c-sim").json();
      return j.getJsonArray("transitions").size() == 4
          && j.getJsonArray("actions").stream().allMatch(a -> "suppressed".equals(((JsonObject) a).getString("status"))
              && "stale".equals(((JsonObject) a).getString("reason")));
    });
    JsonObject before = api.journey("c-sim").json();
    String purchases = api.get("/v1/rules/purchases.drl").body();
    JsonObject request = new JsonObject()
        .put("files", new JsonObject().put("purchases.drl", purchases.replace("orders >= 2", "orders >= 3")))
        .put("from", tp.at(twoYearsBack)).put("until", tp.at(twoYearsBack.plusDays(31)));

    assertThat(anonymous.post("/v1/simulations", "application/json", request.encode()).status()).isEqualTo(401);
    Api.Response r = api.post("/v1/simulations", "application/json", request.encode(), ADMIN_KEY);
    assertThat(r.status()).isEqualTo(200);
    JsonObject c = r.json();
    assertThat(c.getJsonObject("baseline").getLong("touchpoints")).isEqualTo(2);
    assertThat(c.getLong("customersChanged")).isEqualTo(1);
    JsonObject changed = c.getJsonArray("sample").getJsonObject(0);
    assertThat(changed.getString("customerId")).isEqualTo("c-sim");
    assertThat(changed.getJsonObject("baseline").getString("stage")).isEqualTo("REPEAT");
    assertThat(changed.getJsonObject("candidate").getString("stage")).isEqualTo("NEW_CUSTOMER");
    assertThat(c.getJsonObject("stages").getJsonObject("REPEAT").getLong("difference")).isEqualTo(-1);
    assertThat(api.journey("c-sim").json()).isEqualTo(before);

    assertThat(api.post("/v1/simulations", "application/json", request.copy().put("until", "soon").encode(), ADMIN_KEY).status())
        .isEqualTo(400);
    Api.Response broken = api.post("/v1/simulations", "application/json",
        request.copy().put("files", new JsonObject().put("purchases.drl", "rule oops")).encode(), ADMIN_KEY);
    assertThat(broken.status()).isEqualTo(422);
  }

  @Test
  void ingestionGoesOnWhileRulesAreSwappedAndNothingIsLost() throws Exception {
    String purchases = api.get("/v1/rules/purchases.drl").body();
    ExecutorService client = Executors.newSingleThreadExecutor();
    Future<Integer> posted = client.submit(() -> {
      int accepted = 0;
      for (int i = 0; i < 40; i++) {
        Api.Response r = api.postJson(tp.of("swap-" + i, "c-swap-" + (i % 4), "purchase", Duration.ZERO, 5.0));
        assertThat(r.status()).isEqualTo(202);
        accepted += r.json().getInteger("accepted");
      }
      return accepted;
    });
    for (int v = 0; v < 3; v++) {
      assertThat(api.put("/v1/rules/purchases.drl", "text/plain", purchases + "\n// edit " + v + "\n", ADMIN_KEY).status())
          .isEqualTo(200);
    }
    assertThat(posted.get()).isEqualTo(40);
    client.shutdown();
    for (int c = 0; c < 4; c++) {
      JsonObject profile = api.customer("c-swap-" + c).json();
      assertThat(profile.getJsonObject("aggregates").getInteger("orders")).isEqualTo(10);
      assertThat(profile.getString("stage")).isEqualTo("LOYAL");
    }
  }

  @Test
  void propertiesWithQuotesCommasAndNewlinesAreStoredAsSent() throws Exception {
    Duration longAgo = Duration.ofDays(-900); // before any other touchpoint of this class, which the replay below would see
    JsonObject nps = tp.json("nps-q1", "c-quotes", "nps_response", longAgo).put("channel", "survey")
        .put("properties", new JsonObject().put("score", 3).put("text", "He said \"meh\", then\nleft; prix: 10€ ü"));
    assertThat(api.postJson(nps.encode()).status()).isEqualTo(202);
    // Replaying the stored touchpoint decides it again: only possible if its properties came back intact.
    JsonObject request = new JsonObject().put("files", new JsonObject())
        .put("from", tp.at(longAgo)).put("until", tp.at(longAgo.plusDays(1)));
    JsonObject c = api.post("/v1/simulations", "application/json", request.encode(), ADMIN_KEY).json();
    assertThat(c.getJsonObject("baseline").getLong("touchpoints")).isEqualTo(1);
    assertThat(c.getJsonObject("baseline").getJsonObject("actions").getLong("escalation")).isEqualTo(1);
    assertThat(api.journey("c-quotes").json().getJsonArray("actions").getJsonObject(0).getString("template"))
        .isEqualTo("escalation");
  }

  @Test
  void aRuleThatFailsLeavesTheCustomerAsItWasAndItsTouchpointCanBeDecidedAgainOnceFixed() throws Exception {
    // a marketer's rule with a bug: not every tier_changed touchpoint carries a tier
    String buggy = """
        package rapport.journey
        import io.rapport.rules.Customer
        import io.rapport.rules.Touchpoint
        global io.rapport.rules.Journey journey
        rule "The shop's tier becomes the stage"
        when
            $c : Customer()
            $t : Touchpoint( type == "tier_changed" )
        then
            journey.moveTo($c, $t.text("tier"), "tier from the shop");
        end
        """;
    assertThat(api.put("/v1/rules/tiers.drl", "text/plain", buggy, ADMIN_KEY).status()).isEqualTo(200);
    try {
      api.postJson(tp.purchase("evt-t1", "c-tier", 20));
      JsonObject before = api.customer("c-tier").json();
      assertThat(api.postJson(tp.of("evt-t2", "c-tier", "tier_changed", Duration.ofHours(1), null)).status())
          .as("stored, as a rule error").isEqualTo(202);

      assertThat(api.customer("c-tier").json()).as("all or nothing: not even its last activity moved")
          .isEqualTo(before);
      JsonObject listed = api.get("/v1/touchpoints?outcome=rule_error").json();
      JsonObject failed = listed.getJsonArray("touchpoints").stream().map(JsonObject.class::cast)
          .filter(t -> t.getString("id").equals("evt-t2")).findFirst().orElseThrow();
      assertThat(failed.getString("outcome")).isEqualTo("rule_error");
      assertThat(failed.getString("error")).isNotBlank();
      assertThat(api.get("/v1/touchpoints?outcome=decided").status()).isEqualTo(400);
      assertThat(api.get("/v1/touchpoints?outcome=rule_error&limit=0").status()).isEqualTo(400);

      String fixed = buggy.replace("journey.moveTo($c, $t.text(\"tier\"), \"tier from the shop\");",
          "journey.set($c, \"tier\", $t.text(\"tier\"));");
      assertThat(api.put("/v1/rules/tiers.drl", "text/plain", fixed, ADMIN_KEY).status()).isEqualTo(200);
      Api.Response again = api.post("/v1/touchpoints/redecide", "application/json",
          new JsonObject().put("ids", new JsonArray().add("evt-t2")).encode(), ADMIN_KEY);
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.json()).isEqualTo(new JsonObject().put("redecided", 1).put("stillFailing", 0).put("skipped", 0));
      assertThat(api.customer("c-tier").json().getJsonObject("aggregates").getString("lastActivityAt"))
          .isEqualTo(tp.at(Duration.ofHours(1)));
      assertThat(api.get("/v1/touchpoints?outcome=rule_error").json().getJsonArray("touchpoints").stream()
          .map(t -> ((JsonObject) t).getString("id"))).doesNotContain("evt-t2");
      Api.Response twice = api.post("/v1/touchpoints/redecide", "application/json",
          new JsonObject().put("ids", new JsonArray().add("evt-t2")).encode(), ADMIN_KEY);
      assertThat(twice.json().getInteger("redecided")).isZero();
      assertThat(api.post("/v1/touchpoints/redecide", "application/json", "{\"ids\": 7}", ADMIN_KEY).status())
          .isEqualTo(400);
    } finally {
      assertThat(delete("/v1/rules/tiers.drl").status()).isEqualTo(200);
    }
  }

  @Test
  void aRuleVersionRecordsTheNameOfTheAdminKeyThatMadeIt() throws Exception {
    String birthday = api.get("/v1/rules/birthday.drl").body();
    Api.Response put = api.put("/v1/rules/birthday.drl", "text/plain", birthday + "\n// reviewed\n", ALICE_KEY);
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().getString("activatedBy")).isEqualTo("alice");
    JsonArray versions = api.get("/v1/rules/versions").json().getJsonArray("versions");
    assertThat(versions.getJsonObject(versions.size() - 1).getString("activatedBy")).isEqualTo("alice");
    assertThat(api.put("/v1/rules/birthday.drl", "text/plain", birthday, ADMIN_KEY).json().getString("activatedBy"))
        .isEqualTo("admin");
  }

  @Test
  void aScenarioFileThatFailsIsRefusedLikeARuleFileAndChangesNothing() throws Exception {
    int before = api.get("/v1/rules").json().getInteger("version");
    String failing = """
        - name: A first purchase makes a loyal customer (it does not)
          touchpoints:
            - { type: purchase, at: 2026-01-01T10:00:00Z, value: 10 }
          expect:
            stage: LOYAL
        """;
    Api.Response refused = api.put("/v1/rules/wrong.yaml", "text/plain", failing, ADMIN_KEY);
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().getJsonArray("scenarios")).isNotEmpty();
    assertThat(api.get("/v1/rules").json().getInteger("version")).isEqualTo(before);
    assertThat(api.get("/v1/rules").json().getJsonArray("files").getList()).doesNotContain("wrong.yaml");
  }

  private Api.Response delete(String path) throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Authorization", "Bearer " + ADMIN_KEY).DELETE().build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return new Api.Response(r.statusCode(), r.body(), r);
  }
}
