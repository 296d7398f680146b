package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A customer's erasure, on PostgreSQL and on the embedded store: the export holds everything stored of them; after
 * DELETE no table holds their id or their email, an old event of theirs delivered again is a duplicate, and only what
 * they do after the erasure makes a customer of that id again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErasureIT {
  private WebhookServers servers;

  @BeforeAll
  void start() throws Exception {
    servers = new WebhookServers();
  }

  @AfterAll
  void stop() throws Exception {
    servers.close();
  }

  @Test
  void onPostgres() throws Exception {
    erasureLeavesNothingAndAnOldEventDeliveredAgainDoesNotRebuildTheCustomer(servers.start(servers.postgresUrl()));
  }

  @Test
  void onTheEmbeddedStore() throws Exception {
    erasureLeavesNothingAndAnOldEventDeliveredAgainDoesNotRebuildTheCustomer(servers.start(""));
  }

  private void erasureLeavesNothingAndAnOldEventDeliveredAgainDoesNotRebuildTheCustomer(Server server)
      throws Exception {
    Api api = new Api(server.port()).as(ServerContract.ADMIN_KEY);
    // the webhook refuses every email of a "down-" customer: they stay unsent; escalations go to the log connector
    String customer = "down-erase-" + server.port();
    String email = "erase-me-" + server.port() + "@example.com";
    Instant start = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    List<String> sent = new ArrayList<>();
    sent.add(touchpoint(customer + "-signup", customer, "signup", start, new JsonObject().put("email", email)));
    for (int i = 1; i <= 5; i++) {
      sent.add(touchpoint(customer + "-p" + i, customer, "purchase", start.plusSeconds(i), null));
    }
    sent.add(touchpoint(customer + "-complaint", customer, "complaint", start.plusSeconds(10), null));
    for (String t : sent) {
      assertThat(api.postJson(t).status()).isEqualTo(202);
    }
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(api.journey(customer).json()
        .getJsonArray("actions").stream().map(o -> (JsonObject) o)
        .anyMatch(a -> "escalation".equals(a.getString("template")) && "sent".equals(a.getString("status")))).isTrue());

    Api.Response export = api.get("/v1/customers/" + customer + "/export");
    assertThat(export.status()).isEqualTo(200);
    JsonObject all = export.json();
    assertThat(all.getJsonArray("customers").getJsonObject(0).getJsonObject("attributes").getString("email"))
        .isEqualTo(email);
    assertThat(all.getJsonArray("touchpoints")).hasSize(7);
    assertThat(all.getJsonArray("stage_transitions")).isNotEmpty();
    assertThat(all.getJsonArray("actions")).isNotEmpty();
    assertThat(all.getJsonArray("timers")).isNotEmpty();
    assertThat(all.getJsonArray("discount_codes")).hasSize(1);
    String readKey = Files.readString(servers.dataDir(server).resolve("read.key")).trim();
    assertThat(new Api(server.port()).get("/v1/customers/" + customer + "/export", readKey).status()).isEqualTo(403);

    assertThat(new Api(server.port()).delete("/v1/customers/" + customer, null).status()).isEqualTo(401);
    assertThat(new Api(server.port()).delete("/v1/customers/" + customer, readKey).status()).isEqualTo(403);
    assertThat(api.customer(customer).status()).as("refused requests change nothing").isEqualTo(200);
    assertThat(rowsMentioning(server, customer, email)).as("the scan finds them before").isNotEmpty();
    Api.Response erased = api.delete("/v1/customers/" + customer, ServerContract.ADMIN_KEY);
    assertThat(erased.status()).isEqualTo(200);
    assertThat(erased.json().getJsonObject("removed").getInteger("touchpoints")).isEqualTo(7);
    assertThat(erased.json().getJsonObject("removed").getInteger("customers")).isEqualTo(1);

    assertThat(rowsMentioning(server, customer, email)).isEmpty();
    assertThat(api.customer(customer).status()).isEqualTo(404);
    assertThat(api.journey(customer).status()).isEqualTo(404);
    assertThat(api.get("/v1/customers/" + customer + "/export").status()).isEqualTo(404);
    assertThat(api.delete("/v1/customers/" + customer, ServerContract.ADMIN_KEY).status()).isEqualTo(404);

    Api.Response again = api.postJson(sent.get(1));
    assertThat(again.json()).isEqualTo(new JsonObject().put("accepted", 0).put("duplicates", 1));
    Api.Response olderStill = api.postJson(touchpoint(customer + "-never-seen", customer, "web_visit",
        start.plusSeconds(20), null));
    assertThat(olderStill.json().getInteger("duplicates")).as("an event from before the erasure").isEqualTo(1);
    assertThat(api.customer(customer).status()).isEqualTo(404);
    assertThat(rowsMentioning(server, customer, email)).isEmpty();

    Api.Response later = api.postJson(touchpoint(customer + "-back", customer, "signup",
        Instant.now().plusSeconds(60), null));
    assertThat(later.json().getInteger("accepted")).as("what the person does after the erasure counts").isEqualTo(1);
    assertThat(api.customer(customer).json().getJsonObject("aggregates").getInteger("orders")).isZero();
  }

  private static String touchpoint(String id, String customer, String type, Instant at, JsonObject properties) {
    JsonObject t = new JsonObject(Api.touchpoint(id, customer, type, at.toString(), type.equals("purchase") ? 20.0
        : null));
    if (properties != null) {
      t.put("properties", properties);
    }
    return t.encode();
  }

  /** Every row of every table of the store in which some column holds one of {@code needles}, as table: row. */
  private static List<String> rowsMentioning(Server server, String... needles) throws Exception {
    List<String> found = new ArrayList<>();
    try (Connection c = server.store().dataSource().getConnection()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          String schema = rs.getString("TABLE_SCHEM");
          if (schema != null && (schema.equalsIgnoreCase("public"))) {
            tables.add(rs.getString("TABLE_NAME"));
          }
        }
      }
      assertThat(tables).as("the tables scanned").map(String::toLowerCase)
          .contains("customers", "touchpoints", "stage_transitions", "actions", "timers", "discount_codes",
              "code_redemptions", "erasures");
      for (String table : tables) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM \"" + table + "\"")) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= columns; i++) {
              Object v = rs.getObject(i);
              for (String needle : needles) {
                if (v != null && v.toString().contains(needle)) {
                  found.add(table + ": " + rs.getMetaData().getColumnName(i) + "=" + v);
                }
              }
            }
          }
        }
      }
    }
    return found;
  }
}
