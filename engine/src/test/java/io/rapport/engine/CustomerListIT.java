package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** GET /v1/customers over HTTP: pages by stage and by the start of the id, with the read key; bad queries get 400. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomerListIT {
  private ManagersServer managers;
  private Api reader;

  @BeforeAll
  void start() throws Exception {
    managers = ManagersServer.start();
    reader = managers.as(ManagersServer.READ_KEY);
    JsonArray touchpoints = new JsonArray();
    for (int i = 0; i < 12; i++) {
      touchpoints.add(new JsonObject(managers.tp.purchase("list-p-" + i, "list-" + (char) ('a' + i), 20 + i)));
    }
    touchpoints.add(new JsonObject(managers.tp.of("list-v-0", "lurker-1", "page_view", java.time.Duration.ZERO, null)));
    managers.ingest(touchpoints.encode());
  }

  @AfterAll
  void stop() throws Exception {
    if (managers != null) {
      managers.close();
    }
  }

  @Test
  void aStageIsListedAPageAtATimeUntilNextIsNull() throws Exception {
    String stage = reader.customer("list-a").json().getString("stage");
    List<String> ids = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      JsonObject page = reader.get("/v1/customers?stage=" + stage + "&q=list-&limit=5"
          + (next == null ? "" : "&after=" + next)).json();
      page.getJsonArray("items").forEach(o -> ids.add(((JsonObject) o).getString("id")));
      next = page.getString("next");
      pages++;
    } while (next != null && pages < 10);
    assertThat(ids).hasSize(12).doesNotHaveDuplicates().isSorted().allMatch(id -> id.startsWith("list-"));
    assertThat(pages).isEqualTo(3);

    JsonObject first = reader.get("/v1/customers?q=list-a").json().getJsonArray("items").getJsonObject(0);
    assertThat(first.getString("id")).isEqualTo("list-a");
    assertThat(first.getString("stage")).isEqualTo(stage);
    assertThat(first.getInteger("orders")).isEqualTo(1);
    assertThat(first.getDouble("revenue")).isEqualTo(20.0);
    assertThat(first.getString("stageSince")).isNotNull();
    assertThat(first.getString("lastActivityAt")).isEqualTo(managers.tp.at(java.time.Duration.ZERO));
  }

  @Test
  void aSearchFindsCustomersByTheStartOfTheirIdInEveryStage() throws Exception {
    JsonObject page = reader.get("/v1/customers?q=lurk").json();
    assertThat(page.getJsonArray("items")).hasSize(1);
    assertThat(page.getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo("lurker-1");
    assertThat(page.getValue("next")).isNull();
    assertThat(reader.get("/v1/customers?q=nobody-has-this").json().getJsonArray("items")).isEmpty();
  }

  @Test
  void badQueriesAreRefusedWith400SayingWhy() throws Exception {
    for (String query : List.of("limit=0", "limit=501", "limit=ten", "stage=NO%20SUCH", "stage=%3Cb%3E",
        "after=%21%21not-a-cursor", "after=_w", "q=" + "x".repeat(201), "q=%00", "q=a%0Ab",
        // a cursor that decodes to U+0000
        "after=AA")) {
      Api.Response r = reader.get("/v1/customers?" + query);
      assertThat(r.status()).as(query).isEqualTo(400);
      assertThat(r.json().getString("error")).as(query).isNotBlank();
    }
  }

  @Test
  void listingCustomersNeedsTheReadKey() throws Exception {
    assertThat(managers.anonymous.get("/v1/customers").status()).isEqualTo(401);
    assertThat(managers.anonymous.get("/v1/customers", ManagersServer.INGEST_KEY).status()).isEqualTo(403);
    assertThat(managers.anonymous.get("/v1/customers", ManagersServer.ADMIN_KEY).status()).isEqualTo(200);
  }

  @Test
  void readOpenLetsAnyoneLookACustomerUpButNotListThemAll(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    try (Server open = Server.start(io.rapport.engine.config.Settings.of(java.util.Map.of("http.port", "0",
        "data.dir", dir.toString(), "read.open", "true", "ingest.open", "true")))) {
      Api anyone = new Api(open.port());
      String one = managers.tp.purchase("open-p-1", "open-1", 10);
      assertThat(anyone.post("/v1/touchpoints", "application/json", one).status()).isEqualTo(202);
      assertThat(anyone.customer("open-1").status()).isEqualTo(200);
      Api.Response list = anyone.get("/v1/customers");
      assertThat(list.status()).isEqualTo(401);
      assertThat(list.json().getString("error")).contains("read key");
    }
  }
}
