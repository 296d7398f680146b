package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rapport.engine.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL goes away for 20 s under load, through a proxy the test cuts: the server answers 503 with Retry-After
 * within about a second meanwhile, loses nothing it acknowledged, comes back by itself, and sends no action twice.
 */
class StoreOutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(20);
  private static final String KEY = "outage-ingest-key";
  private TestDatabase database;
  private CuttableProxy proxy;
  private WebhookReceiver webhook;
  private Server server;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {server, webhook, proxy, database}) {
      if (c != null) {
        c.close();
      }
    }
  }

  /** What the clients saw during the outage. */
  private record Answer(int status, String retryAfter, long millis, boolean duringOutage) {}

  @Test
  void anOutageAnswers503QuicklyLosesNothingAcknowledgedAndSendsNoActionTwice(@TempDir Path dir) throws Exception {
    database = TestDatabase.create();
    proxy = new CuttableProxy(5432);
    webhook = new WebhookReceiver();
    String url = database.url().replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port());
    Map<String, String> values = new java.util.HashMap<>(Map.of("http.port", "0", "data.dir", dir.toString(),
        "db.url", url, "drop.dir", "off", "ingest.key", KEY, "admin.key", ServerContract.ADMIN_KEY, "webhook.url",
        webhook.url(), "actions.connector", "webhook", "outbox.poll-interval", "PT0.2S", "webhook.timeout-ms", "2000"));
    values.put("guard.quiet.enabled", "false"); // whatever the hour the test runs at
    values.put("guard.frequency.max", "0");
    server = Server.start(Settings.of(values));
    Api api = new Api(server.port()).as(ServerContract.ADMIN_KEY);
    Touchpoints tp = new Touchpoints(Clock.systemUTC());

    AtomicBoolean outage = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    AtomicInteger next = new AtomicInteger();
    ExecutorService clients = Executors.newFixedThreadPool(3);
    for (int c = 0; c < 3; c++) {
      clients.submit(() -> {
        while (!stop.get()) {
          int n = next.getAndIncrement();
          String id = "out-" + n;
          long began = System.nanoTime();
          boolean during = outage.get();
          Api.Response r = api.ingest(tp.of(id, "out-c" + (n % 200), "purchase", Duration.ofSeconds(n % 3600), 10.0),
              KEY);
          answers.add(new Answer(r.status(), r.raw().headers().firstValue("Retry-After").orElse(null),
              (System.nanoTime() - began) / 1_000_000, during && outage.get()));
          if (r.status() == 202) {
            acknowledged.add(id);
          }
        }
        return null;
      });
    }
    Thread.sleep(4_000);
    outage.set(true);
    proxy.cut();
    Thread.sleep(OUTAGE.toMillis());
    proxy.restore();
    outage.set(false);
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> api.get("/health/ready").status() == 200);
    Thread.sleep(3_000);
    stop.set(true);
    clients.shutdown();
    assertThat(clients.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).as("no client hangs").isTrue();

    List<Answer> during = answers.stream().filter(Answer::duringOutage).toList();
    List<Long> outageMillis = during.stream().map(Answer::millis).sorted().toList();
    System.out.printf("outage: %d answers during it, statuses %s, slowest %d ms; %d acknowledged in all%n",
        during.size(), during.stream().collect(Collectors.groupingBy(Answer::status, Collectors.counting())),
        outageMillis.isEmpty() ? 0 : outageMillis.get(outageMillis.size() - 1), acknowledged.size());
    assertThat(answers).allSatisfy(a -> assertThat(a.status()).isIn(202, 503));
    assertThat(during).filteredOn(a -> a.status() == 503).isNotEmpty()
        .allSatisfy(a -> assertThat(a.retryAfter()).isEqualTo("1"));
    assertThat(outageMillis.get((int) (outageMillis.size() * 0.99))).as("99% of the answers in the outage, in ms")
        .isLessThan(1_500);
    assertThat(server.store().knownTouchpoints(new ArrayList<>(acknowledged))).hasSameSizeAs(acknowledged);
    assertThat(api.ingest(tp.of("out-after", "out-c1", "purchase", Duration.ZERO, 5.0), KEY).status()).isEqualTo(202);

    // every action of the run is delivered, and none twice
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      JsonArray pending = api.get("/v1/customers/out-c1/journey", ServerContract.ADMIN_KEY).json().getJsonArray("actions");
      return pending.stream().allMatch(a -> !"pending".equals(((JsonObject) a).getString("status")));
    });
    Thread.sleep(2_000);
    Map<String, Long> perKey = webhook.deliveries.stream()
        .collect(Collectors.groupingBy(WebhookReceiver.Delivery::idempotencyKey, ConcurrentHashMap::new, Collectors.counting()));
    System.out.printf("outage: %d actions delivered, %d keys delivered more than once%n", perKey.size(),
        perKey.values().stream().filter(n -> n > 1).count());
    assertThat(perKey).isNotEmpty().allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1L));
  }
}
