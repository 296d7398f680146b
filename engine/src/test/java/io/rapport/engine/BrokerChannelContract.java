package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rapport.engine.config.Settings;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every broker channel promises, against the real broker: valid messages move customers' stages, an invalid one
 * lands in the channel's dead letter with its reason while the rest go on, a redelivered message is a duplicate, and
 * a server killed with kill -9 in the middle of a stream loses nothing the broker had handed over.
 */
abstract class BrokerChannelContract {
  @TempDir
  Path dataDir;
  private Server server;
  private Process process;
  final Touchpoints tp = new Touchpoints(Clock.systemUTC());
  /** Customer ids of this run, so that runs sharing a broker never meet. */
  final String run = UUID.randomUUID().toString().substring(0, 8);

  /** The channel's name in rapport_channel_messages_total. */
  abstract String channel();

  /** The settings that turn the channel on, on names unique to this run. */
  abstract Map<String, String> channelSettings() throws Exception;

  /** Publishes one message to the channel, keyed by customer where the broker has keys. */
  abstract void publish(String customer, String body) throws Exception;

  /** The next message in the channel's dead letter: its body and its reason. */
  abstract DeadLetter nextDeadLetter(Duration timeout) throws Exception;

  record DeadLetter(String body, String reason) {}

  private TestDatabase database;
  private CuttableProxy proxy;

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (database != null) {
      database.close();
    }
    if (process != null) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  Api startServer() throws Exception {
    return startServer("");
  }

  Api startServer(String dbUrl) throws Exception {
    Map<String, String> values = new HashMap<>(channelSettings());
    values.put("db.url", dbUrl);
    values.put("http.port", "0");
    values.put("data.dir", dataDir.toString());
    values.put("admin.key", ServerContract.ADMIN_KEY);
    values.put("drop.dir", "off");
    // a first decision on a cold, shared machine may take longer than the default budget
    values.put("rules.decision-timeout", "PT10S");
    values.put("metrics.channel-lag-refresh", "PT0.2S");
    server = Server.start(Settings.of(values));
    return new Api(server.port()).as(ServerContract.ADMIN_KEY);
  }

  String purchase(String id, String customer) {
    return tp.of(id, customer, "purchase", Duration.ofMinutes(1), 25.0);
  }

  static String stage(Api api, String customer) throws Exception {
    Api.Response r = api.customer(customer);
    return r.status() == 200 ? r.json().getString("stage") : "none";
  }

  static int orders(Api api, String customer) throws Exception {
    Api.Response r = api.customer(customer);
    return r.status() == 200 ? r.json().getJsonObject("aggregates").getInteger("orders") : 0;
  }

  /** rapport_channel_messages_total{channel, outcome}, read from /metrics. */
  double counted(Api api, String outcome) throws Exception {
    Matcher m = Pattern.compile("rapport_channel_messages_total\\{channel=\"" + channel() + "\",outcome=\"" + outcome
        + "\"[^}]*} ([0-9.E]+)").matcher(api.get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** Whether the broker counts the messages waiting for the channel, which rapport_channel_lag then shows. */
  boolean brokerCountsWhatWaits() {
    return true;
  }

  /** rapport_channel_lag{channel}, read from /metrics: empty when the server shows none for the channel. */
  OptionalDouble lag(Api api) throws Exception {
    Matcher m = Pattern.compile("(?m)^rapport_channel_lag\\{channel=\"" + channel() + "\"[^}]*} (\\S+)$")
        .matcher(api.get("/metrics").body());
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
  }

  @Test
  void whatWaitsInTheBrokerWhileTheChannelIsStoppedIsItsLagUntilTheServerHasTakenIt() throws Exception {
    Assumptions.assumeTrue(brokerCountsWhatWaits(), "the broker counts nothing that waits for the channel");
    Api api = startServer();
    await().atMost(Duration.ofSeconds(30)).until(() -> lag(api).equals(OptionalDouble.of(0)));
    String route = "touchpoints-" + channel();
    server.channels().camel().getRouteController().stopRoute(route);
    for (int i = 1; i <= 5; i++) {
      String customer = "lag" + i + "-" + run;
      publish(customer, purchase("l" + i + "-" + run, customer));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> lag(api).equals(OptionalDouble.of(5)));
    assertThat(counted(api, "accepted")).as("the stopped channel took nothing").isZero();

    server.channels().camel().getRouteController().startRoute(route);
    await().atMost(Duration.ofSeconds(60)).until(() -> counted(api, "accepted") == 5);
    await().atMost(Duration.ofSeconds(30)).until(() -> lag(api).equals(OptionalDouble.of(0)));
    for (int i = 1; i <= 5; i++) {
      assertThat(orders(api, "lag" + i + "-" + run)).as("orders of lag" + i).isEqualTo(1);
    }
  }

  @Test
  void validMessagesMoveCustomersStages() throws Exception {
    Api api = startServer();
    String ann = "ann-" + run;
    String bob = "bob-" + run;
    publish(ann, tp.of("p1-" + run, ann, "purchase", Duration.ofMinutes(1), 25.0));
    publish(ann, tp.of("p2-" + run, ann, "purchase", Duration.ofMinutes(2), 30.0));
    publish(bob, tp.of("p3-" + run, bob, "purchase", Duration.ofMinutes(1), 10.0));
    await().atMost(Duration.ofSeconds(60)).until(() -> orders(api, ann) == 2 && orders(api, bob) == 1);
    assertThat(stage(api, ann)).isEqualTo("REPEAT");
    assertThat(stage(api, bob)).isEqualTo("NEW_CUSTOMER");
    assertThat(counted(api, "accepted")).isEqualTo(3);
  }

  @Test
  void anInvalidMessageLandsInTheDeadLetterWithItsReasonAndTheRestGoOn() throws Exception {
    Api api = startServer();
    String cy = "cy-" + run;
    String bad = new JsonObject().put("id", "bad-" + run).put("customerId", cy).put("type", "purchase").encode();
    publish(cy, bad);
    publish(cy, "this is not JSON " + run);
    publish(cy, purchase("good-" + run, cy));
    await().atMost(Duration.ofSeconds(60)).until(() -> orders(api, cy) == 1);
    DeadLetter first = nextDeadLetter(Duration.ofSeconds(30));
    assertThat(first.body()).isEqualTo(bad);
    assertThat(first.reason()).contains("occurredAt");
    DeadLetter second = nextDeadLetter(Duration.ofSeconds(30));
    assertThat(second.body()).isEqualTo("this is not JSON " + run);
    assertThat(second.reason()).isNotBlank();
    assertThat(counted(api, "rejected")).isEqualTo(2);
    assertThat(stage(api, cy)).isEqualTo("NEW_CUSTOMER");
  }

  @Test
  void aRedeliveredMessageIsADuplicateNotASecondPurchase() throws Exception {
    Api api = startServer();
    String dee = "dee-" + run;
    publish(dee, purchase("once-" + run, dee));
    publish(dee, purchase("once-" + run, dee));
    await().atMost(Duration.ofSeconds(60)).until(() -> counted(api, "duplicate") == 1);
    assertThat(orders(api, dee)).isEqualTo(1);
    assertThat(stage(api, dee)).isEqualTo("NEW_CUSTOMER");
    assertThat(counted(api, "accepted")).isEqualTo(1);
  }

  @Test
  void whileTheStoreIsDownMessagesWaitInTheBrokerAndNoneIsDropped() throws Exception {
    database = TestDatabase.create();
    proxy = new CuttableProxy(5432);
    Api api = startServer(database.url().replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port()));
    String eve = "eve-" + run;
    publish(eve, tp.of("e0-" + run, eve, "purchase", Duration.ofMinutes(0), 5.0));
    await().atMost(Duration.ofSeconds(60)).until(() -> orders(api, eve) == 1);
    proxy.cut();
    for (int i = 1; i <= 10; i++) {
      String customer = "out" + i + "-" + run;
      publish(customer, tp.of("o" + i + "-" + run, customer, "purchase", Duration.ofMinutes(i), 5.0));
    }
    publish(eve, tp.of("e1-" + run, eve, "purchase", Duration.ofMinutes(20), 5.0));
    Thread.sleep(6_000); // the engine refuses: the channel holds the messages and hands them again
    assertThat(counted(api, "accepted")).as("nothing stored during the outage").isEqualTo(1);
    proxy.restore();
    await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> orders(api, eve) == 2);
    // a batch of several touchpoints may have been stored in part before it was refused: handed again, that part
    // counts as duplicate
    await().atMost(Duration.ofSeconds(30)).until(() -> counted(api, "accepted") + counted(api, "duplicate") == 12);
    for (int i = 1; i <= 10; i++) {
      assertThat(orders(api, "out" + i + "-" + run)).as("orders of out" + i).isEqualTo(1);
    }
    assertThat(stage(api, eve)).isEqualTo("REPEAT");
    assertThat(counted(api, "rejected")).as("a refusal for now is no dead letter").isZero();
  }

  @Test
  void messagesPublishedWhileTheServerIsStoppedAllArriveWhenItStartsAgain() throws Exception {
    startServer(); // from here on the broker keeps the server's queue, group or session
    server.close();
    server = null;
    int customers = 50;
    for (int c = 0; c < customers; c++) {
      String customer = "w" + c + "-" + run;
      for (int i = 0; i < 2; i++) {
        publish(customer, tp.of("w" + c + "-" + i + "-" + run, customer, "purchase", Duration.ofMinutes(i), 5.0));
      }
    }
    Api api = startServer();
    await().atMost(Duration.ofSeconds(60)).until(() -> counted(api, "accepted") == 2 * customers);
    for (int c = 0; c < customers; c++) {
      assertThat(orders(api, "w" + c + "-" + run)).as("orders of w" + c).isEqualTo(2);
    }
  }

  /** Messages per customer in the kill -9 test. */
  private static final int PURCHASES = 4;
  private static final int CUSTOMERS = 100;

  @Test
  void aServerKilledMidStreamLosesNothingTheBrokerHandedOver() throws Exception {
    int port = freePort();
    Api api = new Api(port).as(ServerContract.ADMIN_KEY);
    process = startJar(port);
    java.util.concurrent.atomic.AtomicReference<Exception> publishFailed = new java.util.concurrent.atomic.AtomicReference<>();
    Thread publisher = new Thread(() -> {
      try {
        for (int i = 0; i < PURCHASES; i++) {
          for (int c = 0; c < CUSTOMERS; c++) {
            String customer = "k" + c + "-" + run;
            publish(customer, tp.of("k" + c + "-" + i + "-" + run, customer, "purchase", Duration.ofMinutes(i), 5.0));
          }
        }
      } catch (Exception e) {
        publishFailed.set(e);
      }
    });
    publisher.start();
    // kill -9 once some of the stream is in, more still on its way
    await().atMost(Duration.ofSeconds(60)).until(() -> counted(api, "accepted") >= 40);
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    publisher.join(120_000);
    assertThat(publishFailed.get()).as("the test's own publishing").isNull();
    process = startJar(port);
    // a consumer of the killed server's group is waited for until its session times out
    try {
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> allIn(api));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // the assertions below say which customer misses what
    }
    for (int c = 0; c < CUSTOMERS; c++) {
      assertThat(orders(api, "k" + c + "-" + run)).as("orders of k" + c).isEqualTo(PURCHASES);
      assertThat(stage(api, "k" + c + "-" + run)).isEqualTo("REPEAT");
    }
  }

  private boolean allIn(Api api) throws Exception {
    for (int c = 0; c < CUSTOMERS; c++) {
      if (orders(api, "k" + c + "-" + run) != PURCHASES) {
        return false;
      }
    }
    return true;
  }

  private Process startJar(int port) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar",
        new File("target/rapport.jar").getAbsolutePath());
    Map<String, String> values = new HashMap<>(channelSettings());
    values.put("http.port", String.valueOf(port));
    values.put("data.dir", dataDir.toString());
    values.put("admin.key", ServerContract.ADMIN_KEY);
    values.put("drop.dir", "off");
    // a first decision on a cold, shared machine may take longer than the default budget
    values.put("rules.decision-timeout", "PT10S");
    values.forEach((k, v) -> pb.environment().put("RAPPORT_" + k.toUpperCase(java.util.Locale.ROOT).replace('.', '_')
        .replace('-', '_'), v));
    pb.redirectErrorStream(true);
    // kept in target/ for a failure to be read
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/" + channel() + "-channel-" + run + ".log")));
    Process p = pb.start();
    Api api = new Api(port).as(ServerContract.ADMIN_KEY);
    try {
      await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
          .until(() -> p.isAlive() && api.get("/health/ready").status() == 200);
    } catch (RuntimeException | Error e) {
      p.destroyForcibly(); // a server that never became ready must not outlive the test
      throw e;
    }
    return p;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
