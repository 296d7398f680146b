package io.rapport.engine;

import static io.rapport.engine.Api.touchpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rapport.engine.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable timers, live: they survive a restart and fire once even with two servers racing. */
class TimersIT {
  private TestDatabase database;
  private Server a;
  private Server b;

  @AfterEach
  void tearDown() throws Exception {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    if (database != null) {
      database.close();
    }
  }

  private static Server start(String dbUrl, Path dataDir) throws Exception {
    Map<String, String> values = new HashMap<>();
    values.put("http.port", "0");
    values.put("data.dir", dataDir.toString());
    values.put("db.url", dbUrl);
    values.put("timers.poll-interval", "PT0.2S");
    values.put("outbox.poll-interval", "PT0.2S");
    values.put("drop.dir", "off");
    values.put("admin.key", ServerContract.ADMIN_KEY);
    return Server.start(Settings.of(values));
  }

  private static long templateCount(Api api, String customer, String template) throws Exception {
    JsonArray actions = api.journey(customer).json().getJsonArray("actions");
    return actions.stream().filter(x -> template.equals(((JsonObject) x).getString("template"))).count();
  }

  private static double metric(Api api, String line) throws Exception {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + " (\\S+)$").matcher(api.get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void aTimerThatFellDueWhileTheServerWasDownFiresOnceAtStart(@TempDir Path dir) throws Exception {
    a = start("", dir);
    Api api = new Api(a.port()).as(ServerContract.ADMIN_KEY);
    // The cart reminder falls due two seconds from now, an hour after the abandoned cart.
    Instant abandoned = Instant.now().minus(Duration.ofMinutes(60)).plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
    assertThat(api.postJson(touchpoint("cart-1", "c-cart", "cart_abandoned", abandoned.toString(), null)).status()).isEqualTo(202);
    a.close();
    a = null;
    Thread.sleep(3_000); // the reminder falls due while no server runs

    a = start("", dir);
    Api again = new Api(a.port()).as(ServerContract.ADMIN_KEY);
    await().atMost(Duration.ofSeconds(15)).until(() -> templateCount(again, "c-cart", "cart-reminder") == 1);
    Thread.sleep(1_500); // several more polls: nothing fires twice
    assertThat(templateCount(again, "c-cart", "cart-reminder")).isEqualTo(1);
    assertThat(metric(again, "rapport_timers_fired_total")).isEqualTo(1.0);
    assertThat(metric(again, "rapport_touchpoints_total{channel=\"timer\",outcome=\"duplicate\",type=\"timer\"}")).isZero();
  }

  @Test
  void twoServersOnOneDatabaseFireEachTimerExactlyOnce(@TempDir Path dirs) throws Exception {
    database = TestDatabase.create();
    a = start(database.url(), Files.createDirectory(dirs.resolve("a")));
    b = start(database.url(), Files.createDirectory(dirs.resolve("b")));
    Api apiA = new Api(a.port()).as(ServerContract.ADMIN_KEY);
    Api apiB = new Api(b.port()).as(ServerContract.ADMIN_KEY);
    StringBuilder batch = new StringBuilder();
    Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
    int customers = 60;
    for (int i = 0; i < customers; i++) {
      batch.append(touchpoint("race-" + i, "c-race-" + i, "cart_abandoned", twoHoursAgo.toString(), null)).append('\n');
    }
    assertThat(apiA.post("/v1/touchpoints", "application/x-ndjson", batch.toString()).status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() ->
        metric(apiA, "rapport_timers_fired_total") + metric(apiB, "rapport_timers_fired_total") >= customers);
    Thread.sleep(1_500);
    assertThat(metric(apiA, "rapport_timers_fired_total") + metric(apiB, "rapport_timers_fired_total")).isEqualTo(customers);
    for (int i = 0; i < customers; i++) {
      assertThat(templateCount(apiA, "c-race-" + i, "cart-reminder")).isEqualTo(1);
    }
  }
}
