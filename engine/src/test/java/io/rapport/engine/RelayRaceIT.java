package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rapport.engine.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay where it can go wrong, on PostgreSQL: two servers' relays racing for the same due actions, a pause that
 * must outlive a restart, and a crash between sending an action and recording it.
 */
class RelayRaceIT {
  private static final String ADMIN_KEY = "race-admin-key";
  private final List<AutoCloseable> open = new ArrayList<>();
  private ConnectorReceiver receiver;
  private TestDatabase database;
  private final Touchpoints tp = new Touchpoints(Clock.systemUTC());

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        // closed already
      }
    }
  }

  private String timeoutMillis = "1000";

  private Server start(Path dir, String name, String dbUrl) throws Exception {
    Path rules = Files.createDirectories(dir.resolve(name + "-rules"));
    Files.writeString(rules.resolve("notice.drl"), Api.resource("/connectors-rules/notice.drl"));
    Map<String, String> values = new HashMap<>();
    values.put("http.port", "0");
    values.put("guard.quiet.enabled", "false"); // actions go out whatever the hour the test runs at
    values.put("guard.frequency.max", "0");
    values.put("data.dir", dir.resolve(name).toString());
    values.put("db.url", dbUrl);
    values.put("rules.dir", rules.toString());
    values.put("admin.key", ADMIN_KEY);
    values.put("drop.dir", "off");
    values.put("webhook.url", receiver.url("/hook"));
    // long enough that a busy machine's slow answer is not taken for a lost one (which is retried, by design)
    values.put("webhook.timeout-ms", timeoutMillis);
    values.put("actions.connectors", "hook=webhook");
    values.put("outbox.poll-interval", "PT0.1S");
    values.put("outbox.batch", "20");
    values.put("rules.decision-timeout", "PT5S"); // a first decision on a busy machine can take long
    Server server = Server.start(Settings.of(values));
    open.add(server);
    return server;
  }

  private void open() throws Exception {
    receiver = new ConnectorReceiver();
    open.add(receiver);
    database = TestDatabase.create();
    open.add(database);
  }

  private static JsonArray notices(Touchpoints tp, String prefix, int from, int to) {
    JsonArray batch = new JsonArray();
    for (int i = from; i < to; i++) {
      batch.add(tp.json(prefix + "-tp-" + i, prefix + "-" + i, "notice", Duration.ofMinutes(1))
          .put("properties", new JsonObject().put("on", "hook")));
    }
    return batch;
  }

  private Map<String, Long> statuses() throws Exception {
    try (Connection c = DriverManager.getConnection(database.url()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT status, count(*) FROM actions GROUP BY status")) {
      Map<String, Long> counts = new HashMap<>();
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
      return counts;
    }
  }

  private Map<String, Long> attempts() throws Exception {
    try (Connection c = DriverManager.getConnection(database.url()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT status || ' after ' || attempts, count(*) FROM actions GROUP BY 1")) {
      Map<String, Long> counts = new HashMap<>();
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
      return counts;
    }
  }

  @Test
  void twoRelaysRacingForTheSameDueActionsSendEachExactlyOnce(@TempDir Path dir) throws Exception {
    open();
    timeoutMillis = "15000";
    Server a = start(dir, "a", database.url());
    Server b = start(dir, "b", database.url());
    Api apiA = new Api(a.port()).as(ADMIN_KEY);
    Api apiB = new Api(b.port()).as(ADMIN_KEY);
    // held while they pile up, so that both relays find all of them due at once when it is resumed
    assertThat(apiA.post("/v1/connectors/webhook/pause", "application/json", "").status()).isEqualTo(200);
    String run = UUID.randomUUID().toString().substring(0, 8);
    int n = 400;
    assertThat(apiA.postJson(notices(tp, "race-" + run, 0, n / 2).encode()).status()).isEqualTo(202);
    assertThat(apiB.postJson(notices(tp, "race-" + run, n / 2, n).encode()).status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() -> statuses().getOrDefault("pending", 0L) == n);
    Thread.sleep(500);
    assertThat(receiver.to("/hook")).as("nothing goes out while paused").isEmpty();

    assertThat(apiB.post("/v1/connectors/webhook/resume", "application/json", "").status()).isEqualTo(200);
    apiA.get("/v1/connectors"); // both look at once
    await().atMost(Duration.ofSeconds(60)).until(() -> statuses().getOrDefault("sent", 0L) == n);

    Map<String, Long> perKey = receiver.to("/hook").stream()
        .collect(Collectors.groupingBy(c -> c.headers().get("Idempotency-Key"), Collectors.counting()));
    assertThat(perKey).hasSize(n);
    assertThat(perKey.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
        .as("no action sent twice (attempts recorded per status: %s)", attempts()).isEmpty();
  }

  @Test
  void aPausedConnectorStaysPausedAcrossARestartAndItsActionsWait(@TempDir Path dir) throws Exception {
    open();
    Server first = start(dir, "first", database.url());
    Api api = new Api(first.port()).as(ADMIN_KEY);
    assertThat(api.post("/v1/connectors/webhook/pause", "application/json", "").status()).isEqualTo(200);
    first.close();

    Server again = start(dir, "again", database.url());
    Api apiAgain = new Api(again.port()).as(ADMIN_KEY);
    JsonObject webhook = apiAgain.get("/v1/connectors").json().getJsonArray("items").stream()
        .map(o -> (JsonObject) o).filter(c -> c.getString("name").equals("webhook")).findFirst().orElseThrow();
    assertThat(webhook.getBoolean("paused")).isTrue();
    assertThat(apiAgain.postJson(notices(tp, "kept", 0, 3).encode()).status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10)).until(() -> statuses().getOrDefault("pending", 0L) == 3);
    Thread.sleep(800);
    assertThat(receiver.to("/hook")).isEmpty();
    assertThat(apiAgain.post("/v1/connectors/webhook/resume", "application/json", "").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> statuses().getOrDefault("sent", 0L) == 3);
  }

  /**
   * The window no outbox closes: the receiver took the action, and the server died before it recorded that. The
   * action is sent again after its claim ends, under the same idempotency key (and webhook-id), which is how a
   * receiver recognises the repeat; the store then records it sent once.
   */
  @Test
  void aCrashAfterSendingAndBeforeRecordingSendsTheActionAgainUnderTheSameKey(@TempDir Path dir) throws Exception {
    open();
    CuttableProxy proxy = new CuttableProxy(5432);
    open.add(proxy);
    String viaProxy = database.url().replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port());
    Server doomed = start(dir, "doomed", viaProxy);
    receiver.onCall = call -> {
      if (receiver.to("/hook").size() == 1) {
        proxy.cut(); // the answer arrives, its recording cannot
      }
    };
    Api api = new Api(doomed.port()).as(ADMIN_KEY);
    assertThat(api.postJson(notices(tp, "crash", 0, 1).encode()).status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.to("/hook").size() == 1);
    Thread.sleep(500); // the relay tries to record, and fails
    doomed.close(); // the crash: what it could not record is gone with it
    proxy.restore();
    receiver.onCall = call -> {};
    assertThat(statuses()).as("the store never learnt it was sent").containsEntry("pending", 1L);

    start(dir, "after", database.url());
    await().atMost(Duration.ofSeconds(30)).until(() -> statuses().getOrDefault("sent", 0L) == 1);
    List<ConnectorReceiver.Call> calls = receiver.to("/hook");
    assertThat(calls).hasSize(2);
    Function<ConnectorReceiver.Call, String> key = c -> c.headers().get("Idempotency-Key");
    assertThat(key.apply(calls.get(1))).isEqualTo(key.apply(calls.get(0)));
  }
}
