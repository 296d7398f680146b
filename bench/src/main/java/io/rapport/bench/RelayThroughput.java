package io.rapport.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.rapport.engine.Server;
import io.rapport.engine.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The outbox relay's throughput to one connector: a Rapport server on a fresh PostgreSQL database, its connector
 * paused while the touchpoints that make N actions are sent over HTTP (timed: the baseline), then resumed and timed
 * until every action is sent, to a local HTTP sink (webhook) or GreenMail (smtp). Prints one JSON line.
 */
@Command(name = "relay-throughput", mixinStandardHelpOptions = true,
    description = "Actions per second from the outbox to the webhook or to SMTP.")
public final class RelayThroughput implements Callable<Integer> {
  private static final String KEY = "relay-bench-admin-key";
  private static final String RULE = """
      package rapport.journey
      import io.rapport.rules.Customer
      import io.rapport.rules.Touchpoint
      global io.rapport.rules.Journey journey
      rule "A bench touchpoint asks for one action on the channel it names"
      when
          $c : Customer()
          $t : Touchpoint( type == "bench", properties["on"] != null )
      then
          journey.send($c, $t.text("on"), "welcome");
      end
      """;

  @Option(names = "--db-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
      description = "A PostgreSQL database; a fresh one is created (and dropped) beside it (default ${DEFAULT-VALUE}).")
  String dbUrl;

  @Option(names = "--target", defaultValue = "webhook", description = "webhook or smtp (default ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--actions", defaultValue = "20000", description = "Actions to send (default ${DEFAULT-VALUE}).")
  int actions;

  @Option(names = "--batch", defaultValue = "200",
      description = "outbox.batch: deliveries in flight at once (default ${DEFAULT-VALUE}).")
  int inFlight;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RelayThroughput()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!target.equals("webhook") && !target.equals("smtp")) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--target is webhook or smtp");
    }
    BenchDatabase db = BenchDatabase.create(dbUrl);
    Vertx sinkVertx = Vertx.vertx();
    GreenMail smtp = null;
    Server server = null;
    Path dir = Files.createTempDirectory("rapport-relay-bench");
    try {
      AtomicLong received = new AtomicLong();
      HttpServer sink = sinkVertx.createHttpServer()
          .requestHandler(req -> req.body().onSuccess(b -> {
            received.incrementAndGet();
            req.response().setStatusCode(200).end();
          }))
          .listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      Path rules = Files.createDirectories(dir.resolve("rules"));
      Files.writeString(rules.resolve("bench.drl"), RULE);
      Map<String, String> values = new HashMap<>();
      values.put("http.port", "0");
      values.put("data.dir", dir.resolve("data").toString());
      values.put("db.url", db.url());
      values.put("rules.dir", rules.toString());
      values.put("admin.key", KEY);
      values.put("drop.dir", "off");
      values.put("outbox.batch", Integer.toString(inFlight));
      // this measures the relay, not the rules: a busy machine's cold first decisions must not fail
      values.put("rules.decision-timeout", "PT5S");
      values.put("webhook.url", "http://127.0.0.1:" + sink.actualPort() + "/hook");
      values.put("actions.connectors", "hook=webhook");
      String connector = "webhook";
      String channel = "hook";
      if (target.equals("smtp")) {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        values.put("email.smtp-host", "127.0.0.1");
        values.put("email.smtp-port", Integer.toString(smtp.getSmtp().getPort()));
        values.put("email.starttls", "false");
        values.put("email.from", "bench@rapport.example");
        values.put("http.public-url", "https://crm.example.com");
        connector = "email";
        channel = "email";
      }
      server = Server.start(Settings.of(values));
      String base = "http://127.0.0.1:" + server.port();
      HttpClient http = HttpClient.newHttpClient();
      int paused = post(http, base + "/v1/connectors/" + connector + "/pause", "");
      if (paused != 200) {
        throw new IllegalStateException("pausing the connector answered " + paused);
      }

      long t0 = System.nanoTime();
      int perRequest = 500;
      for (int from = 0; from < actions; from += perRequest) {
        JsonArray batch = new JsonArray();
        for (int i = from; i < Math.min(actions, from + perRequest); i++) {
          batch.add(new JsonObject().put("id", "bench-" + i).put("customerId", "bench-c" + i).put("type", "bench")
              .put("occurredAt", Instant.now().toString())
              .put("properties", new JsonObject().put("on", channel).put("email", "c" + i + "@bench.example")));
        }
        int status = post(http, base + "/v1/touchpoints", batch.encode());
        if (status != 202) {
          throw new IllegalStateException("ingest answered " + status);
        }
      }
      double ingestSeconds = (System.nanoTime() - t0) / 1e9;
      long deadlineIn = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (count(db.url(), "pending") < actions && System.nanoTime() < deadlineIn) {
        Thread.sleep(100);
      }
      if (count(db.url(), "pending") != actions) {
        throw new IllegalStateException("expected " + actions + " pending actions, found " + count(db.url(), "pending")
            + "; sent " + count(db.url(), "sent") + ", failed " + count(db.url(), "failed") + ", suppressed "
            + count(db.url(), "suppressed"));
      }

      long t1 = System.nanoTime();
      post(http, base + "/v1/connectors/" + connector + "/resume", "");
      long deadline = t1 + TimeUnit.MINUTES.toNanos(10);
      while (count(db.url(), "sent") + count(db.url(), "failed") < actions && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      double relaySeconds = (System.nanoTime() - t1) / 1e9;
      long sent = count(db.url(), "sent");
      long delivered = smtp != null ? smtp.getReceivedMessages().length : received.get();
      JsonObject result = new JsonObject().put("target", target).put("actions", actions).put("sent", sent).put("failed", count(db.url(), "failed"))
          .put("receiverGot", delivered).put("inFlight", inFlight)
          .put("relaySeconds", round(relaySeconds)).put("actionsPerSecond", round(sent / relaySeconds))
          .put("ingestTouchpointsPerSecond", round(actions / ingestSeconds))
          .put("cores", Runtime.getRuntime().availableProcessors());
      System.out.println(result.encode());
      return sent == actions ? 0 : 1;
    } finally {
      if (server != null) {
        server.close();
      }
      if (smtp != null) {
        smtp.stop();
      }
      sinkVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      db.drop();
    }
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static int post(HttpClient http, String url, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + KEY)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static long count(String url, String status) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM actions WHERE status = '" + status + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
