package io.rapport.routes.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rapport.messages.CanonicalTouchpoint;
import io.rapport.messages.RejectedInput;
import io.rapport.messages.TouchpointReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each shipped mapping on a payload shaped as its provider documents it, validated as the engine would. */
class ShippedMappingsTest {
  private final Mappings shipped = Mappings.in("");

  private static Map<String, Object> sample(String name) throws IOException {
    try (InputStream in = ShippedMappingsTest.class.getResourceAsStream("/webhooks/" + name)) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getMap();
    }
  }

  private List<CanonicalTouchpoint> map(String source, String sample, Map<String, Object> headers)
      throws IOException {
    List<JsonObject> out = shipped.find(source).orElseThrow()
        .apply(sample(sample), Map.of("source", source, "headers", headers));
    return out.isEmpty() ? List.of() : TouchpointReader.items(new JsonArray(List.copyOf(out)), 10);
  }

  @Test
  void aShopifyOrderCreatedIsAPurchaseWithItsValueCurrencyAndEmail() throws IOException {
    CanonicalTouchpoint t =
        map("shopify", "shopify-orders-create.json", Map.of("x-shopify-topic", "orders/create")).get(0);
    assertThat(t.id()).isEqualTo("orders-create:820982911946154508"); // a 64-bit id, every digit kept
    assertThat(t.type()).isEqualTo("purchase");
    assertThat(t.customerId()).isEqualTo("john@example.com");
    assertThat(t.value()).isEqualByComparingTo(new BigDecimal("403.00"));
    assertThat(t.currency()).isEqualTo("USD");
    assertThat(t.occurredAt()).isEqualTo(Instant.parse("2026-11-24T15:15:00Z"));
    assertThat(t.properties()).containsEntry("email", "john@example.com").containsEntry("order", "#9999");
    assertThat(t.channel()).isEqualTo("web");
  }

  @Test
  void anotherShopifyTopicGivesNothing() throws IOException {
    assertThat(map("shopify", "shopify-orders-create.json", Map.of("x-shopify-topic", "orders/updated"))).isEmpty();
  }

  @Test
  void aStripeChargeRefundedIsARefundOfWhatThisEventRefunded() throws IOException {
    CanonicalTouchpoint t = map("stripe", "stripe-charge-refunded.json", Map.of()).get(0);
    assertThat(t.id()).isEqualTo("evt_3QbQ8pLkdIwHu7ix0Zm5bT2q");
    assertThat(t.type()).isEqualTo("refund");
    assertThat(t.value()).isEqualByComparingTo(new BigDecimal("10.00")); // 1500 - 500 cents
    assertThat(t.currency()).isEqualTo("EUR");
    assertThat(t.customerId()).isEqualTo("jenny.rosen@example.com");
    assertThat(t.occurredAt()).isEqualTo(Instant.ofEpochSecond(1795533300));
    assertThat(t.properties()).containsEntry("email", "jenny.rosen@example.com");
  }

  @Test
  void aZendeskTicketCreatedIsAComplaintAndItsSolvingATicketResolved() throws IOException {
    CanonicalTouchpoint created = map("zendesk", "zendesk-ticket-created.json", Map.of()).get(0);
    assertThat(created.type()).isEqualTo("complaint");
    assertThat(created.customerId()).isEqualTo("zendesk-user-20978392");
    assertThat(created.id()).isEqualTo("cbe4028c-7239-495d-b020-f22348516046");
    assertThat(created.properties()).containsEntry("ticket", "35436");
    CanonicalTouchpoint solved = map("zendesk", "zendesk-ticket-solved.json", Map.of()).get(0);
    assertThat(solved.type()).isEqualTo("ticket_resolved");
    assertThat(solved.customerId()).isEqualTo(created.customerId());
    assertThat(solved.occurredAt()).isEqualTo(Instant.parse("2026-11-26T14:02:45Z"));
  }

  @Test
  void anNpsAnswerIsAnNpsResponseWithItsScore() throws IOException {
    CanonicalTouchpoint t = map("nps", "nps-survey-response.json", Map.of()).get(0);
    assertThat(t.type()).isEqualTo("nps_response");
    assertThat(((Number) t.properties().get("score")).intValue()).isEqualTo(9);
    assertThat(t.customerId()).isEqualTo("jony@appleseed.com");
    assertThat(t.occurredAt()).isEqualTo(Instant.ofEpochSecond(1795533240));
  }

  @Test
  void aMappingInTheFolderOverridesTheShippedOneAndIsReadAgainWhenItChanges(@TempDir Path dir) throws IOException {
    Mappings mine = new Mappings(dir, java.time.Duration.ZERO); // looked at every time, not once a second
    Files.writeString(dir.resolve("nps.jsonata"), "{\"id\": event_id, \"customerId\": \"a\", \"type\": \"review\","
        + " \"occurredAt\": \"2026-11-24T10:15:00Z\"}");
    assertThat(mine.find("nps").orElseThrow().apply(sample("nps-survey-response.json"), Map.of()).get(0)
        .getString("type")).isEqualTo("review");
    Files.writeString(dir.resolve("nps.jsonata"), "{\"type\": \"web_visit\"}");
    Files.setLastModifiedTime(dir.resolve("nps.jsonata"),
        java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(mine.find("nps").orElseThrow().apply(Map.of(), Map.of()).get(0).getString("type"))
        .isEqualTo("web_visit");
    assertThat(mine.find("shopify")).isPresent(); // the shipped one still serves the others
    assertThat(mine.find("pos")).isEmpty();
    Files.writeString(dir.resolve("pos.jsonata"), "{\"type\": \"purchase\"}");
    assertThat(mine.find("pos")).as("a mapping added while running").isPresent();
    assertThat(mine.find("../nps")).isEmpty();
  }

  @Test
  void aMappingThatFailsOnAPayloadRefusesItWithTheReason() {
    Mapping broken = new Mapping("broken", "$number(\"not a number\")");
    assertThatThrownBy(() -> broken.apply(Map.of(), Map.of()))
        .isInstanceOfSatisfying(RejectedInput.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("broken");
    assertThatThrownBy(() -> new Mapping("bad", "{ \"id\": "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSONata");
  }
}
