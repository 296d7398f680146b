package io.rapport.routes.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.messages.CanonicalTouchpoint;
import io.rapport.routes.RunningChannels;
import io.rapport.routes.ChannelMessages;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * POST /v1/webhooks/{source} through the shipped route and mappings, signed as each provider signs: what passes
 * reaches the engine as canonical touchpoints with namespaced ids; what does not is refused before the engine sees it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksTest {
  private static final String SHOPIFY_SECRET = "shpss_5f1a2b3c4d";
  private static final String STRIPE_SECRET = "whsec_test_9e8d7c6b5a";
  private static final String NPS_SECRET = "nps-tool-secret";
  private static final String CRM_SECRET = "crm-secret";
  /** The server's "now": a minute after the Stripe sample's event. */
  private static final Instant NOW = Instant.ofEpochSecond(1795533360);
  private final HttpClient http = HttpClient.newHttpClient();
  private RunningChannels running;

  @BeforeAll
  void start() throws Exception {
    running = new RunningChannels(null, null, Map.of("shopify", SHOPIFY_SECRET, "stripe", STRIPE_SECRET,
        "nps", NPS_SECRET, "crm", CRM_SECRET), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterAll
  void stop() throws Exception {
    running.close();
  }

  @BeforeEach
  void reset() {
    running.engineGot.clear();
    running.engineFailure = 0;
  }

  private static byte[] sample(String name) throws IOException {
    try (InputStream in = WebhooksTest.class.getResourceAsStream("/webhooks/" + name)) {
      return in.readAllBytes();
    }
  }

  private static byte[] hmac(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return mac.doFinal(body);
  }

  private static String stripeHeader(long t, String secret, byte[] body) throws Exception {
    byte[] signed = (t + "." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    return "t=" + t + ",v1=" + HexFormat.of().formatHex(hmac(secret, signed));
  }

  private HttpResponse<String> post(String source, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + "/v1/webhooks/"
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

  @Test
  void aShopifyOrderWithItsSignatureBecomesAPurchaseWithANamespacedId() throws Exception {
    HttpResponse<String> r = shopify(sample("shopify-orders-create.json"), SHOPIFY_SECRET);
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("accepted", 1).put("duplicates", 0));
    CanonicalTouchpoint t = running.touchpoints().get(0);
    assertThat(t.id()).isEqualTo("shopify:orders-create:820982911946154508");
    assertThat(t.type()).isEqualTo("purchase");
    assertThat(t.properties()).containsEntry("email", "john@example.com");
    assertThat(running.engineGot.get(0).backfill()).isFalse();
    assertThat(running.messages.count("webhook:shopify", ChannelMessages.ACCEPTED)).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aShopifyWebhookWithAWrongOrMissingSignatureIs401AndReachesNothing() throws Exception {
    byte[] body = sample("shopify-orders-create.json");
    assertThat(shopify(body, "another-secret").statusCode()).isEqualTo(401);
    assertThat(post("shopify", body, "X-Shopify-Topic", "orders/create").statusCode()).isEqualTo(401);
    assertThat(post("shopify", body, "X-Shopify-Hmac-Sha256", "not base64 !").statusCode()).isEqualTo(401);
    // signed, then changed on the way: the signature is over the raw bytes
    String signature = Base64.getEncoder().encodeToString(hmac(SHOPIFY_SECRET, body));
    byte[] changed = new String(body, StandardCharsets.UTF_8).replace("403.00", "4.03").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = post("shopify", changed, "X-Shopify-Topic", "orders/create", "X-Shopify-Hmac-Sha256",
        signature);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(r.body()).getString("error")).contains("X-Shopify-Hmac-Sha256");
    assertThat(running.engineGot).isEmpty();
  }

  @Test
  void aStripeRefundSignedAMinuteAgoIsTakenWhicheverOfItsSignaturesMatches() throws Exception {
    byte[] body = sample("stripe-charge-refunded.json");
    long t = NOW.getEpochSecond() - 60;
    String rolled = "t=" + t + ",v1=" + "ab".repeat(32) + "," + stripeHeader(t, STRIPE_SECRET, body).split(",")[1]
        + ",v0=" + "cd".repeat(32);
    HttpResponse<String> r = post("stripe", body, "Stripe-Signature", rolled);
    assertThat(r.statusCode()).isEqualTo(202);
    CanonicalTouchpoint refund = running.touchpoints().get(0);
    assertThat(refund.id()).isEqualTo("stripe:evt_3QbQ8pLkdIwHu7ix0Zm5bT2q");
    assertThat(refund.type()).isEqualTo("refund");
  }

  @Test
  void aStripeWebhookThatIsStaleWrongOrUnsignedIs401AndReachesNothing() throws Exception {
    byte[] body = sample("stripe-charge-refunded.json");
    long stale = NOW.getEpochSecond() - 301;
    HttpResponse<String> old = post("stripe", body, "Stripe-Signature", stripeHeader(stale, STRIPE_SECRET, body));
    assertThat(old.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(old.body()).getString("error")).contains("timestamp");
    assertThat(post("stripe", body, "Stripe-Signature", stripeHeader(NOW.getEpochSecond(), "whsec_other", body))
        .statusCode()).isEqualTo(401);
    assertThat(post("stripe", body).statusCode()).isEqualTo(401);
    assertThat(post("stripe", body, "Stripe-Signature", "t=" + NOW.getEpochSecond()).statusCode()).isEqualTo(401);
    // a signature with its timestamp moved to now: t is signed too
    String moved = stripeHeader(stale, STRIPE_SECRET, body).replace("t=" + stale, "t=" + NOW.getEpochSecond());
    assertThat(post("stripe", body, "Stripe-Signature", moved).statusCode()).isEqualTo(401);
    assertThat(running.engineGot).isEmpty();
  }

  @Test
  void anotherSourceSignsWithXRapportSignature() throws Exception {
    byte[] body = sample("nps-survey-response.json");
    String good = "sha256=" + HexFormat.of().formatHex(hmac(NPS_SECRET, body));
    HttpResponse<String> r = post("nps", body, "X-Rapport-Signature", good);
    assertThat(r.statusCode()).isEqualTo(202);
    CanonicalTouchpoint t = running.touchpoints().get(0);
    assertThat(t.type()).isEqualTo("nps_response");
    assertThat(t.id()).isEqualTo("nps:c5e4f3a2-9b8c-4d7e-a6f5-0e1d2c3b4a59");
    assertThat(post("nps", body, "X-Rapport-Signature", "sha256=" + HexFormat.of().formatHex(hmac(CRM_SECRET, body)))
        .statusCode()).as("another source's secret").isEqualTo(401);
    assertThat(post("nps", body, "X-Rapport-Signature", HexFormat.of().formatHex(hmac(NPS_SECRET, body)))
        .statusCode()).as("without sha256=").isEqualTo(401);
    assertThat(post("nps", body).statusCode()).isEqualTo(401);
    assertThat(running.engineGot).hasSize(1);
  }

  @Test
  void aSourceWithNoSecretIs404() throws Exception {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = post("zendesk", body, "X-Rapport-Signature", "sha256=00");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(post("..%2Fshopify", body).statusCode()).isEqualTo(404);
    assertThat(running.engineGot).isEmpty();
  }

  private HttpResponse<String> crm(String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return post("crm", bytes, "X-Rapport-Signature", "sha256=" + HexFormat.of().formatHex(hmac(CRM_SECRET, bytes)));
  }

  @Test
  void aSourceWithoutAMappingTakesCanonicalTouchpointsUnderItsNamespace() throws Exception {
    HttpResponse<String> r = crm("[{\"id\":\"evt-1\",\"customerId\":\"c-1\",\"type\":\"signup\","
        + "\"occurredAt\":\"2026-11-24T10:15:00Z\"},{\"id\":\"evt-2\",\"customerId\":\"c-1\",\"type\":\"web_visit\","
        + "\"occurredAt\":\"2026-11-24T10:16:00Z\"}]");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(running.touchpoints()).extracting(CanonicalTouchpoint::id).containsExactly("crm:evt-1", "crm:evt-2");
  }

  @Test
  void anInvalidOrUnparsablePayloadIs400WithItsReasonAndReachesNothing() throws Exception {
    double rejectedBefore = running.messages.count("webhook:crm", ChannelMessages.REJECTED);
    HttpResponse<String> invalid = crm("{\"id\":\"evt-3\",\"customerId\":\"c-1\",\"occurredAt\":\"yesterday\"}");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(invalid.body()).getJsonArray("details").encode()).contains("type").contains("occurredAt");
    assertThat(crm("{not json").statusCode()).isEqualTo(400);
    byte[] npsWithoutPerson = "{\"event_type\":\"survey_response.created\",\"event_id\":\"e-9\",\"event_data\":{\"score\":3,\"created_at\":1795533240}}"
        .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> unmappable = post("nps", npsWithoutPerson, "X-Rapport-Signature",
        "sha256=" + HexFormat.of().formatHex(hmac(NPS_SECRET, npsWithoutPerson)));
    assertThat(unmappable.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(unmappable.body()).getJsonArray("details").encode()).contains("customerId");
    assertThat(running.engineGot).isEmpty();
    assertThat(running.messages.count("webhook:crm", ChannelMessages.REJECTED)).isEqualTo(rejectedBefore + 2);
  }

  @Test
  void anEventTheMappingDoesNotTakeIsAnswered202AndStoresNothing() throws Exception {
    byte[] body = new String(sample("stripe-charge-refunded.json"), StandardCharsets.UTF_8)
        .replace("charge.refunded", "charge.succeeded").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = post("stripe", body, "Stripe-Signature", stripeHeader(NOW.getEpochSecond(), STRIPE_SECRET, body));
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("accepted", 0).put("duplicates", 0));
    assertThat(running.engineGot).isEmpty();
  }

  @Test
  void anEngineThatCannotTakeMoreMeans503WithRetryAfter() throws Exception {
    running.engineFailure = 503;
    HttpResponse<String> r = shopify(sample("shopify-orders-create.json"), SHOPIFY_SECRET);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
  }
}
