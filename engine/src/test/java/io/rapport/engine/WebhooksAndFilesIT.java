package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rapport.engine.config.Settings;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed webhooks and dropped CSV files against the whole server on its embedded store: what a signature lets in moves
 * customers and is stored once; what it does not changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksAndFilesIT {
  private static final String ADMIN_KEY = "webhooks-it-admin";
  private static final String SHOPIFY_SECRET = "shpss_it_secret";
  private static final String STRIPE_SECRET = "whsec_it_secret";
  private final HttpClient http = HttpClient.newHttpClient();
  private Server server;
  private Api api;
  private Path inbox;

  @BeforeAll
  void start(@TempDir Path dataDir) throws Exception {
    inbox = dataDir.resolve("inbox");
    // a cold first decision on a loaded machine can outlast the default budget: these tests are not about it
    server = Server.start(Settings.of(Map.of("http.port", "0", "data.dir", dataDir.toString(), "admin.key", ADMIN_KEY,
        "webhooks.secrets", "shopify=" + SHOPIFY_SECRET + ",stripe=" + STRIPE_SECRET, "drop.poll-ms", "100",
        "rules.decision-timeout", "PT10S")));
    api = new Api(server.port()).as(ADMIN_KEY);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static byte[] hmac(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return mac.doFinal(body);
  }

  private static byte[] shopifyOrder(String email) throws Exception {
    try (InputStream in = WebhooksAndFilesIT.class.getResourceAsStream("/webhooks/shopify-orders-create.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("John@Example.com", email)
          .replace("820982911946154508", String.valueOf(email.hashCode() & 0x7fffffff)).getBytes(StandardCharsets.UTF_8);
    }
  }

  private HttpResponse<String> post(String source, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/webhooks/"
        + source)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> shopify(byte[] body, String secret) throws Exception {
    return post("shopify", body, "X-Shopify-Topic", "orders/create", "X-Shopify-Hmac-Sha256",
        Base64.getEncoder().encodeToString(hmac(secret, body)));
  }

  private JsonObject aggregates(String customer) throws Exception {
    return api.customer(customer).json().getJsonObject("aggregates");
  }

  @Test
  void aSignedShopifyOrderIsAPurchaseAndItsRedeliveryADuplicate() throws Exception {
    byte[] order = shopifyOrder("ann@example.com");
    HttpResponse<String> first = shopify(order, SHOPIFY_SECRET);
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(new JsonObject(first.body())).isEqualTo(new JsonObject().put("accepted", 1).put("duplicates", 0));
    assertThat(aggregates("ann@example.com").getInteger("orders")).isEqualTo(1);
    HttpResponse<String> again = shopify(order, SHOPIFY_SECRET);
    assertThat(new JsonObject(again.body())).isEqualTo(new JsonObject().put("accepted", 0).put("duplicates", 1));
    assertThat(aggregates("ann@example.com").getInteger("orders")).isEqualTo(1);
    assertThat(api.get("/metrics").body())
        .contains("rapport_channel_messages_total{channel=\"webhook:shopify\",outcome=\"duplicate\"} 1.0");
  }

  @Test
  void aWronglySignedOrStaleWebhookStoresNothing() throws Exception {
    assertThat(shopify(shopifyOrder("bob@example.com"), "not-the-secret").statusCode()).isEqualTo(401);
    assertThat(api.customer("bob@example.com").status()).isEqualTo(404);
    byte[] refund;
    try (InputStream in = WebhooksAndFilesIT.class.getResourceAsStream("/webhooks/stripe-charge-refunded.json")) {
      refund = in.readAllBytes();
    }
    long stale = Instant.now().minusSeconds(600).getEpochSecond();
    byte[] signed = (stale + "." + new String(refund, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = post("stripe", refund, "Stripe-Signature",
        "t=" + stale + ",v1=" + HexFormat.of().formatHex(hmac(STRIPE_SECRET, signed)));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(api.customer("jenny.rosen@example.com").status()).isEqualTo(404);
    assertThat(post("zendesk", "{}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(404);
  }

  @Test
  void aDroppedCsvMovesItsCustomers() throws Exception {
    Files.createDirectories(inbox);
    // event times from the server's clock: calendar dates would find the 90-day inactivity timer due one day
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Path tmp = Files.writeString(inbox.resolveSibling("orders.csv.tmp"), """
        id,customerId,type,occurredAt,value,currency,properties.email
        csv-1,c-csv,purchase,%s,30,EUR,carla@example.com
        csv-2,c-csv,purchase,%s,45.5,EUR,carla@example.com
        """.formatted(now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1))));
    Files.move(tmp, inbox.resolve("orders.csv"));
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inbox.resolve(".done/orders.csv")));
    JsonObject customer = api.customer("c-csv").json();
    assertThat(customer.getJsonObject("aggregates").getInteger("orders")).isEqualTo(2);
    assertThat(customer.getString("stage")).isEqualTo("REPEAT");
    assertThat(customer.getJsonObject("attributes").getString("email")).isEqualTo("carla@example.com");
  }
}
