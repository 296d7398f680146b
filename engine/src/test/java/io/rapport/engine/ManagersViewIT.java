package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rapport.engine.config.Settings;
import io.rapport.engine.deploy.Promtool;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where managers look, against a real server that took a few touchpoints: GET /v1/stats as the console reads it, the
 * KPI gauges on /metrics (which promtool finds correct), and the Grafana dashboard, every query of which names a series
 * the server exports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagersViewIT {
  private static final String READ_KEY = "read-key-for-the-managers-view";
  private static final String INGEST_KEY = "ingest-key-for-the-managers-view";
  private Server server;
  private Api reader;
  private Api anonymous;
  private Instant began;

  @BeforeAll
  void startAServerAndSendTouchpoints(@TempDir Path dir) throws Exception {
    server = Server.start(Settings.of(Map.of("http.port", "0", "data.dir", dir.toString(), "read.key", READ_KEY,
        "ingest.key", INGEST_KEY, "metrics.refresh", "PT0.2S", "metrics.count-spacing", "1",
        "kpi.refresh-interval", "PT1H", "rules.decision-timeout", "PT10S",
        // the emails must go out whatever the hour the test runs at
        "guard.quiet.enabled", "false")));
    anonymous = new Api(server.port());
    reader = anonymous.as(READ_KEY);
    began = Instant.now();
    JsonArray batch = new JsonArray()
        .add(touchpoint("m-1", "ann", "purchase", 1, 40.0, "EUR"))
        .add(touchpoint("m-3", "ben", "purchase", 3, 30.0, "USD"))
        .add(touchpoint("m-4", "cem", "web_visit", 4, null, null))
        .add(touchpoint("m-5", "ann", "email_open", 5, null, null))
        .add(touchpoint("m-6", "dan", "unsubscribe", 5, null, null))
        .add(touchpoint("m-7", "dan", "purchase", 6, 20.0, "EUR"))
        .add(new JsonObject().put("id", "m-8").put("customerId", "ben").put("type", "nps_response")
            .put("occurredAt", began.minusSeconds(60).toString()).put("properties", new JsonObject().put("score", 10)));
    send(batch);
    // ann's second purchase comes after the email her first one brought was sent: it is attributed to that email
    await().atMost(Duration.ofSeconds(30)).until(() -> reader.get("/v1/customers/ann/journey").json()
        .getJsonArray("actions").getJsonObject(0).getString("status").equals("sent"));
    send(new JsonArray().add(new JsonObject().put("id", "m-2").put("customerId", "ann").put("type", "purchase")
        .put("occurredAt", Instant.now().toString()).put("channel", "web").put("value", 60.0).put("currency", "EUR")));
    await().atMost(Duration.ofSeconds(30)).until(() -> allSent("ann") && allSent("ben"));
    server.kpis().refreshNow();
    // the stage gauges come from the store's census, counted in the background
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonObject stages = stats("").getJsonObject("stages");
      assertThat(stages.getLong("REPEAT")).as(stages.encode() + reader.get("/v1/customers/ann/journey").body())
          .isEqualTo(1);
    });
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private boolean allSent(String customer) throws Exception {
    JsonArray actions = reader.get("/v1/customers/" + customer + "/journey").json().getJsonArray("actions");
    return !actions.isEmpty() && actions.stream().allMatch(a -> ((JsonObject) a).getString("status").equals("sent"));
  }

  private void send(JsonArray batch) throws Exception {
    Api.Response sent = anonymous.post("/v1/touchpoints", "application/json", batch.encode(), INGEST_KEY);
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
  }

  private JsonObject touchpoint(String id, String customer, String type, int minutesAgo, Double value, String currency) {
    JsonObject t = new JsonObject().put("id", id).put("customerId", customer).put("type", type)
        .put("occurredAt", began.minus(Duration.ofMinutes(10 - minutesAgo)).toString()).put("channel", "web");
    if (value != null) {
      t.put("value", value).put("currency", currency);
    }
    return t;
  }

  private JsonObject stats(String query) throws Exception {
    Api.Response r = reader.get("/v1/stats" + query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void statsShowStagesFlowKpisJourneysAndRulesAsTheConsoleReadsThem() throws Exception {
    Instant from = began.minus(Duration.ofHours(1));
    Instant until = began.plus(Duration.ofHours(1));
    JsonObject s = stats("?from=" + from + "&until=" + until);

    assertThat(s.getString("from")).isEqualTo(from.toString());
    assertThat(s.getString("until")).isEqualTo(until.toString());
    assertThat(s.getString("window")).isEqualTo("P90D");
    assertThat(s.getString("refreshedAt")).isNotNull();
    JsonObject stages = s.getJsonObject("stages");
    assertThat(stages.fieldNames()).contains("PROSPECT", "LEAD", "NEW_CUSTOMER", "REPEAT", "LOYAL", "ADVOCATE",
        "AT_RISK", "CHURNED");
    assertThat(stages.getLong("REPEAT")).isEqualTo(1); // ann bought twice
    assertThat(stages.getLong("NEW_CUSTOMER")).isEqualTo(2); // ben and dan once
    assertThat(stages.getLong("PROSPECT")).isEqualTo(1); // cem only visited
    assertThat(s.getJsonArray("flow")).containsExactlyInAnyOrder(
        new JsonObject().put("from", "PROSPECT").put("to", "NEW_CUSTOMER").put("count", 3),
        new JsonObject().put("from", "NEW_CUSTOMER").put("to", "REPEAT").put("count", 1));

    JsonObject kpis = s.getJsonObject("kpis");
    assertThat(kpis.getJsonObject("nps").getDouble("value")).isEqualTo(100.0);
    assertThat(kpis.getJsonObject("nps").getLong("answers")).isEqualTo(1);
    assertThat(kpis.getValue("retentionRate")).isNull(); // nobody bought in the window before
    assertThat(kpis.getDouble("repeatPurchaseRate")).isCloseTo(1.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(kpis.getJsonObject("lifetimeValue").getMap()).containsOnlyKeys("EUR", "USD");
    assertThat(kpis.getJsonObject("lifetimeValue").getValue("EUR").toString()).isEqualTo("60"); // (40 + 60 + 20) / 2
    assertThat(kpis.getJsonObject("engagement").getLong("opens")).isEqualTo(1);
    JsonArray trend = s.getJsonArray("trend"); // the refresh at start, and the one after the touchpoints
    assertThat(trend.getJsonObject(trend.size() - 1).getDouble("nps")).isEqualTo(100.0);
    assertThat(s.getJsonObject("actions").getJsonObject("byStatus").fieldNames())
        .contains("pending", "sent", "failed", "suppressed");
    assertThat(s.getJsonObject("actions").getJsonObject("byStatus").getLong("suppressed")).isEqualTo(1); // dan's
    assertThat(s.getJsonObject("actions").getJsonObject("suppressedByReason").getMap()).hasSize(1);
    JsonObject rules = s.getJsonObject("rules");
    assertThat(rules.getInteger("version")).isEqualTo(1);
    assertThat(rules.getJsonObject("firings").getLong("Second purchase makes a repeat customer")).isEqualTo(1);
    assertThat(s.getJsonArray("journeys")).contains(new JsonObject().put("rule", "First purchase makes a new customer")
        .put("template", "welcome-first-purchase").put("sent", 2).put("codesRedeemed", 0)
        .put("attributedRevenue", new JsonObject().put("EUR", 60)));
  }

  @Test
  void aWindowBeforeAnythingHappenedHasNoFlowAndNoTrend() throws Exception {
    JsonObject s = stats("?from=2020-01-01T00:00:00Z&until=2020-02-01T00:00:00Z");
    assertThat(s.getJsonArray("flow")).isEmpty();
    assertThat(s.getJsonArray("trend")).isEmpty();
  }

  @Test
  void badWindowsAreRefusedWithA400() throws Exception {
    for (String query : List.of("?from=yesterday", "?until=2026-13-01T00:00:00Z", "?from=2026-01-02T00:00:00Z"
        + "&until=2026-01-01T00:00:00Z", "?from=2026-01-01T00:00:00Z&until=2026-01-01T00:00:00Z",
        "?from=2020-01-01T00:00:00Z&until=2026-01-01T00:00:00Z", "?from=2026-01-01T00:00:00Z&from=2026-01-02T00:00:00Z",
        // ISO-8601 writes years no database stores
        "?from=%2B300000-01-01T00:00:00Z&until=%2B300000-01-02T00:00:00Z", "?from=1969-12-31T00:00:00Z&until=1970-01-02T00:00:00Z")) {
      Api.Response r = reader.get("/v1/stats" + query);
      assertThat(r.status()).as(query + ": " + r.body()).isEqualTo(400);
      assertThat(r.json().getString("error")).as(query).isNotBlank();
    }
  }

  @Test
  void statsNeedTheReadKey() throws Exception {
    assertThat(anonymous.get("/v1/stats").status()).isEqualTo(401);
    assertThat(anonymous.get("/v1/stats", INGEST_KEY).status()).isEqualTo(403);
  }

  @Test
  void theKpiGaugesAreOnMetricsAndRapportsSeriesPassPromtoolsCheck() throws Exception {
    String metrics = anonymous.get("/metrics").body();
    assertThat(metrics).contains("\nrapport_kpi_nps 100.0", "\nrapport_kpi_lifetime_value{currency=\"EUR\"} 60.0",
        "\nrapport_kpi_retention_rate NaN", "\nrapport_kpi_actions{status=\"suppressed\"} 1.0");
    Promtool.Answer a = Promtool.find().run(Path.of("."), rapportSeries(metrics), "check", "metrics");
    assertThat(a.exit()).as(a.output()).isZero();
    assertThat(a.output()).isBlank();
  }

  /** The families named rapport_... with their HELP and TYPE lines: Rapport's own series. */
  static String rapportSeries(String metrics) {
    StringBuilder own = new StringBuilder();
    for (String line : metrics.split("\n")) {
      String name = line.startsWith("# HELP ") || line.startsWith("# TYPE ") ? line.substring(7) : line;
      if (name.startsWith("rapport_")) {
        own.append(line).append('\n');
      }
    }
    return own.toString();
  }

  @Test
  void everyDashboardQueryNamesASeriesTheServerExports() throws Exception {
    Set<String> exported = new TreeSet<>();
    for (String line : anonymous.get("/metrics").body().split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        exported.add(line.split("[{ ]", 2)[0]);
      }
    }
    JsonObject dashboard = new JsonObject(Files.readString(Promtool.deploy().resolve("grafana/dashboards/rapport.json")));
    List<String> expressions = new ArrayList<>();
    collectExpressions(dashboard, expressions);
    assertThat(expressions).hasSizeGreaterThan(15);
    Set<String> missing = new TreeSet<>();
    for (String expr : expressions) {
      for (String metric : metricNames(expr)) {
        if (!exported.contains(metric)) {
          missing.add(metric + " (in " + expr + ")");
        }
      }
    }
    assertThat(missing).as("series the dashboard queries that the server does not export").isEmpty();
  }

  @Test
  void theQueriesMetricNamesAreTheWordsThatAreNeitherFunctionsNorLabels() {
    assertThat(metricNames("histogram_quantile(0.99, sum by (le) (rate(a_seconds_bucket{job=~\"$job\"}[5m])))"))
        .containsExactly("a_seconds_bucket");
    assertThat(metricNames("time() - b_timestamp_seconds and on(job) c > bool 3 or d offset 1d"))
        .containsExactly("b_timestamp_seconds", "c", "d");
  }

  private static void collectExpressions(Object node, List<String> into) {
    if (node instanceof JsonObject o) {
      if (o.getValue("expr") instanceof String expr) {
        into.add(expr);
      }
      o.forEach(e -> collectExpressions(e.getValue(), into));
    } else if (node instanceof JsonArray a) {
      a.forEach(v -> collectExpressions(v, into));
    }
  }

  private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPINGS = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern WORDS = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "offset", "bool", "by", "without", "on",
      "ignoring", "group_left", "group_right", "inf", "nan");

  /** The metric names a PromQL expression reads: its words that are neither functions, keywords nor labels. */
  static Set<String> metricNames(String expr) {
    String bare = STRINGS.matcher(expr).replaceAll(" ");
    bare = MATCHERS.matcher(bare).replaceAll(" ");
    bare = RANGES.matcher(bare).replaceAll(" ");
    bare = GROUPINGS.matcher(bare).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = WORDS.matcher(bare);
    while (m.find()) {
      String word = m.group().replaceAll("[\\s(]", "");
      boolean function = m.group().endsWith("(");
      if (!function && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT)) && !word.startsWith("$")) {
        names.add(word);
      }
    }
    return names;
  }
}
