package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rapport.engine.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On PostgreSQL a commit claims its new actions and hands them straight to its own relay: they
 * go out without waiting for a poll, and another server polling the same outbox never takes them.
 */
class ActionHandOffIT {
  private TestDatabase database;
  private WebhookReceiver webhook;
  private Server busy;
  private Server polling;
  @TempDir
  Path dataDirs;
  /** The servers run by the system clock. */
  private final Touchpoints tp = new Touchpoints(Clock.systemUTC());

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {busy, polling, webhook, database}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private Server start(String dbUrl, String pollInterval, String connector, String webhookUrl) throws Exception {
    Map<String, String> values = new HashMap<>();
    values.put("http.port", "0");
    values.put("data.dir", Files.createTempDirectory(dataDirs, "server").toString());
    values.put("db.url", dbUrl);
    values.put("drop.dir", "off");
    values.put("outbox.poll-interval", pollInterval);
    values.put("actions.connector", connector);
    values.put("webhook.url", webhookUrl);
    values.put("admin.key", ServerContract.ADMIN_KEY);
    values.put("guard.quiet.enabled", "false"); // whatever the hour the test runs at
    values.put("guard.frequency.max", "0");
    return Server.start(Settings.of(values));
  }

  @Test
  void committedActionsGoOutAtOnceThroughTheirOwnServerAndOnlyOnce() throws Exception {
    database = TestDatabase.create();
    webhook = new WebhookReceiver();
    // This server polls its outbox once a minute: only the hand-off can deliver within seconds.
    busy = start(database.url(), "PT60S", "webhook", webhook.url());
    // This one polls every 100 ms and would log, not POST, whatever it took.
    polling = start(database.url(), "PT0.1S", "log", webhook.url());
    Api api = new Api(busy.port()).as(ServerContract.ADMIN_KEY);
    int customers = 300;
    StringJoiner batch = new StringJoiner(",", "[", "]");
    for (int i = 0; i < customers; i++) {
      batch.add(tp.purchase("evt-hand-" + i, "hand-" + i, 20));
    }
    assertThat(api.postJson(batch.toString()).status()).isEqualTo(202);

    await().atMost(Duration.ofSeconds(10)).until(() -> webhook.deliveries.size() >= customers);
    Thread.sleep(1_000); // time enough for a repeat to show
    Map<String, Long> perKey = webhook.deliveries.stream()
        .collect(Collectors.groupingBy(WebhookReceiver.Delivery::idempotencyKey, Collectors.counting()));
    assertThat(perKey).hasSize(customers).allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1L));
    try (Connection c = DriverManager.getConnection(database.url());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT count(*) FILTER (WHERE status = 'sent' AND attempts = 1 AND claimed_until IS NULL), count(*) FROM actions")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(customers);
      assertThat(rs.getLong(2)).isEqualTo(customers);
    }
  }

  @Test
  void anActionKeyStoredBeforeItsTouchpointKeepsItsActionAndTheRestOfTheBatchCommits() throws Exception {
    database = TestDatabase.create();
    webhook = new WebhookReceiver();
    busy = start(database.url(), "PT60S", "webhook", webhook.url());
    // an action of evt-kept-0 outlived its touchpoint (say, a purge of old touchpoints)
    try (Connection c = DriverManager.getConnection(database.url()); Statement st = c.createStatement()) {
      st.execute("INSERT INTO actions (idempotency_key, customer_id, type, channel, template, payload, rule, touchpoint_id,"
          + " status, attempts, next_attempt_at, created_at, sent_at) VALUES ('evt-kept-0/0', 'kept-0', 'send', 'email',"
          + " 'old', '{}', 'an old rule', 'evt-kept-0', 'sent', 1, now(), now(), now())");
    }
    Api api = new Api(busy.port()).as(ServerContract.ADMIN_KEY);
    String batch = "[" + tp.purchase("evt-kept-0", "kept-0", 20) + "," + tp.purchase("evt-kept-1", "kept-1", 20) + "]";
    assertThat(api.postJson(batch).status()).isEqualTo(202);

    // the new action is recorded as sent once delivered; the stored one is left as it was
    await().atMost(Duration.ofSeconds(10)).until(() -> storedActions(database.url())
        .equals("evt-kept-0/0:old:sent,evt-kept-1/0:welcome-first-purchase:sent"));
    Thread.sleep(500); // time enough for the stored one to go out again, were it to
    assertThat(webhook.deliveries).extracting(WebhookReceiver.Delivery::idempotencyKey).containsExactly("evt-kept-1/0");
    try (Connection c = DriverManager.getConnection(database.url());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM touchpoints), (SELECT count(*) FROM customers)")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(2);
      assertThat(rs.getLong(2)).isEqualTo(2);
    }
  }

  /** Every stored action as key:template:status, in the order they were stored. */
  private static String storedActions(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT string_agg(idempotency_key || ':' || template || ':' || status, ',' ORDER BY id) FROM actions")) {
      rs.next();
      return String.valueOf(rs.getString(1));
    }
  }
}
