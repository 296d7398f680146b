package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 the real jar while clients post, start it again: every touchpoint that got a 202 is
 * there, every stage is right, and no action is delivered twice.
 */
class RestartIT {
  private static final int CUSTOMERS = 50;
  private static final int PURCHASES = 5;

  private WebhookReceiver webhook;
  private TestDatabase database;
  @TempDir
  Path dataDir;
  private Process process;
  /** The jar runs by the system clock. */
  private final Touchpoints tp = new Touchpoints(Clock.systemUTC());

  @BeforeEach
  void setUp() throws Exception {
    webhook = new WebhookReceiver();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (process != null) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    webhook.close();
    if (database != null) {
      database.close();
    }
  }

  @ParameterizedTest(name = "on {0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void aKilledServerLosesNoAcceptedTouchpointAndSendsNoActionTwice(String db) throws Exception {
    String url = "";
    if (db.equals("postgresql")) {
      database = TestDatabase.create();
      url = database.url();
    }
    int port = freePort();
    Api api = new Api(port).as(ServerContract.ADMIN_KEY);
    process = start(port, url);

    // Phase 1: clients post purchases while the server is killed under them.
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    for (int w = 0; w < 4; w++) {
      int worker = w;
      clients.submit(() -> {
        for (int i = 0; i < PURCHASES && !stop.get(); i++) {
          for (int c = worker; c < CUSTOMERS && !stop.get(); c += 4) {
            String id = "k-" + c + "-" + i;
            try {
              Api.Response r = api.postJson(tp.of(id, "kc-" + c, "purchase", Duration.ofMinutes(i), 20.0));
              if (r.status() == 202) {
                acknowledged.add(id);
              }
            } catch (Exception e) {
              // the server is gone: this one was never acknowledged
            }
          }
        }
      });
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 60);
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9
    stop.set(true);
    clients.shutdown();
    clients.awaitTermination(30, TimeUnit.SECONDS);

    process = start(port, url);
    Map<String, Integer> acked = new HashMap<>();
    acknowledged.forEach(id -> acked.merge("kc-" + id.split("-")[1], 1, Integer::sum));
    for (Map.Entry<String, Integer> e : acked.entrySet()) {
      JsonObject profile = api.customer(e.getKey()).json();
      int orders = profile.getJsonObject("aggregates").getInteger("orders");
      // Every 202 is stored; at most one more, committed just before the kill, never answered.
      assertThat(orders).as("orders of " + e.getKey()).isBetween(e.getValue(), e.getValue() + 1);
      assertThat(profile.getString("stage")).isEqualTo(orders == 1 ? "NEW_CUSTOMER" : orders < 5 ? "REPEAT" : "LOYAL");
    }
    // Phase 2: resend everything (as clients retrying would), then compare with what is due.
    for (int c = 0; c < CUSTOMERS; c++) {
      StringBuilder batch = new StringBuilder();
      for (int i = 0; i < PURCHASES; i++) {
        batch.append(tp.of("k-" + c + "-" + i, "kc-" + c, "purchase", Duration.ofMinutes(i), 20.0)).append('\n');
      }
      Api.Response r = api.post("/v1/touchpoints", "application/x-ndjson", batch.toString());
      assertThat(r.status()).isEqualTo(202);
    }
    for (int c = 0; c < CUSTOMERS; c++) {
      JsonObject profile = api.customer("kc-" + c).json();
      assertThat(profile.getJsonObject("aggregates").getInteger("orders")).as("orders of kc-" + c).isEqualTo(PURCHASES);
      assertThat(profile.getString("stage")).isEqualTo("LOYAL");
    }
    // 3 actions per customer (first purchase, repeat, loyal): each delivered. Actions the killed
    // relay had claimed come back when their lease (delivery timeout + 5 s) runs out.
    int expectedActions = CUSTOMERS * 3;
    await().atMost(Duration.ofSeconds(60)).until(() -> distinctKeys() == expectedActions);
    // Sending is at least once: a kill between a delivery and its record sends it again. Kill
    // only once every delivery is recorded, then nothing may go out again.
    await().atMost(Duration.ofSeconds(30)).until(() -> everyActionRecordedSent(api));
    // A kill between a delivery and its record sends that action again (at least once; the receiver drops the
    // repeat by its Idempotency-Key): counted for the fault suite's report.
    Map<String, Long> perKey = new HashMap<>();
    webhook.deliveries.forEach(d -> perKey.merge(d.idempotencyKey(), 1L, Long::sum));
    System.out.printf("kill -9 on %s: %d acknowledged before the kill, %d actions delivered, %d keys more than once%n",
        db, acknowledged.size(), perKey.size(), perKey.values().stream().filter(n -> n > 1).count());
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    process = start(port, url);
    List<String> keys = new ArrayList<>();
    webhook.deliveries.forEach(d -> keys.add(d.idempotencyKey()));
    Thread.sleep(2_000); // a restarted relay would resend within its first poll
    assertThat(webhook.deliveries).hasSize(keys.size());
  }

  private static boolean everyActionRecordedSent(Api api) throws Exception {
    for (int c = 0; c < CUSTOMERS; c++) {
      JsonArray actions = api.journey("kc-" + c).json().getJsonArray("actions");
      for (int i = 0; i < actions.size(); i++) {
        if (!"sent".equals(actions.getJsonObject(i).getString("status"))) {
          return false;
        }
      }
    }
    return true;
  }

  private long distinctKeys() {
    return webhook.deliveries.stream().map(WebhookReceiver.Delivery::idempotencyKey).distinct().count();
  }

  private Process start(int port, String dbUrl) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar",
        new File("target/rapport.jar").getAbsolutePath());
    pb.environment().put("RAPPORT_HTTP_PORT", String.valueOf(port));
    pb.environment().put("RAPPORT_DATA_DIR", dataDir.toString());
    pb.environment().put("RAPPORT_DB_URL", dbUrl);
    pb.environment().put("RAPPORT_WEBHOOK_URL", webhook.url());
    pb.environment().put("RAPPORT_ACTIONS_CONNECTOR", "webhook");
    pb.environment().put("RAPPORT_OUTBOX_POLL_INTERVAL", "PT0.2S");
    // every action must go out whatever the hour the test runs at
    pb.environment().put("RAPPORT_GUARD_QUIET_ENABLED", "false");
    // each customer gets three marketing emails, the frequency cap's default: the test counts deliveries, not caps
    pb.environment().put("RAPPORT_GUARD_FREQUENCY_MAX", "0");
    pb.environment().put("RAPPORT_ADMIN_KEY", ServerContract.ADMIN_KEY);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("server.log").toFile()));
    Process p = pb.start();
    Api api = new Api(port).as(ServerContract.ADMIN_KEY);
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> p.isAlive() && api.get("/health/ready").status() == 200);
    return p;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
