package io.rapport.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TouchpointReaderTest {
  private static final String GOOD =
      "{\"id\":\"e1\",\"customerId\":\"c1\",\"type\":\"purchase\",\"occurredAt\":\"2026-11-24T11:15:00+01:00\",\"value\":42.5,\"currency\":\"EUR\",\"properties\":{\"sku\":\"A-1\"},\"extra\":1}";

  private static RejectedInput rejected(String contentType, String body) {
    try {
      TouchpointReader.parse(contentType, body, 3);
    } catch (RejectedInput e) {
      return e;
    }
    throw new AssertionError("accepted: " + body);
  }

  @Test
  void oneTouchpointIsReadInUtcAndKeepsOnlyCanonicalFields() {
    List<CanonicalTouchpoint> out = TouchpointReader.parse("application/json; charset=utf-8", GOOD, 3);
    assertThat(out).singleElement().isEqualTo(new CanonicalTouchpoint("e1", "c1", "purchase",
        Instant.parse("2026-11-24T10:15:00Z"), null, new BigDecimal("42.5"), "EUR", Map.of("sku", "A-1")));
    assertThat(out.get(0).toJson().fieldNames())
        .containsExactlyInAnyOrder("id", "customerId", "type", "occurredAt", "value", "currency", "properties");
  }

  @Test
  void nestedPropertiesReachTheRulesAsPlainMapsAndLists() {
    JsonObject json = new JsonObject()
        .put("id", "e1").put("customerId", "c1").put("type", "purchase").put("occurredAt", "2026-11-24T10:15:00Z")
        .put("properties", new JsonObject()
            .put("sku", "A-1")
            .put("lines", new JsonArray().add(new JsonObject().put("qty", 2)).add("gift"))
            .put("shop", new JsonObject().put("city", "Lyon"))
            .putNull("coupon"));

    CanonicalTouchpoint t = TouchpointReader.items(new JsonArray().add(json), 3).get(0);

    assertThat(t.properties()).containsEntry("sku", "A-1").containsEntry("coupon", null);
    assertThat(t.properties().get("lines")).isEqualTo(List.of(Map.of("qty", 2), "gift"));
    assertThat(t.properties().get("lines")).isNotInstanceOf(JsonArray.class);
    assertThat(t.properties().get("shop")).isEqualTo(Map.of("city", "Lyon")).isNotInstanceOf(JsonObject.class);
  }

  @Test
  void aTouchpointWrittenAsJsonReadsBackTheSame() {
    CanonicalTouchpoint t = TouchpointReader.parse("application/json", GOOD, 3).get(0);
    assertThat(TouchpointReader.line(t.toJson().encode(), 1)).isEqualTo(t);
  }

  @Test
  void anArrayAndNdjsonAreBatches() {
    assertThat(TouchpointReader.parse("application/json", "[" + GOOD + "," + GOOD.replace("e1", "e2") + "]", 3)).hasSize(2);
    assertThat(TouchpointReader.parse("application/x-ndjson", GOOD + "\n\n" + GOOD.replace("e1", "e2") + "\n", 3)).hasSize(2);
  }

  @Test
  void everyProblemOfEveryItemIsListedWithIndexFieldAndReason() {
    String bad = "[" + GOOD + ",{\"id\":\"\",\"type\":\"Purchase!\",\"occurredAt\":\"2026-11-24T10:15:00\",\"value\":\"12\",\"currency\":\"eur\",\"properties\":[]}]";
    RejectedInput e = rejected("application/json", bad);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.details().stream().map(d -> ((JsonObject) d).getInteger("index") + ":" + ((JsonObject) d).getString("field")))
        .containsExactly("1:id", "1:customerId", "1:type", "1:occurredAt", "1:value", "1:currency", "1:properties");
    JsonObject occurredAt = e.details().getJsonObject(3);
    assertThat(occurredAt.getString("reason")).contains("offset");
  }

  @Test
  void ndjsonProblemsNameTheLine() {
    RejectedInput e = rejected("application/x-ndjson", GOOD + "\n\n{not json\n" + GOOD.replace("\"c1\"", "7") + "\n");
    assertThat(e.details()).hasSize(2);
    assertThat(e.details().getJsonObject(0).getInteger("line")).isEqualTo(3);
    assertThat(e.details().getJsonObject(0).getString("reason")).startsWith("not valid JSON");
    assertThat(e.details().getJsonObject(1).getInteger("line")).isEqualTo(4);
    assertThat(e.details().getJsonObject(1).getString("field")).isEqualTo("customerId");
  }

  @Test
  void ndjsonLinesMayEndInCrlfAndCarryAnyUtf8() {
    String body = GOOD + "\r\n" + GOOD.replace("e1", "e2").replace("A-1", "Größe 42 – 東京") + "\r\n";
    List<CanonicalTouchpoint> out =
        TouchpointReader.parse("application/x-ndjson", body.getBytes(java.nio.charset.StandardCharsets.UTF_8), 3);
    assertThat(out).hasSize(2);
    assertThat(out.get(1).properties()).containsEntry("sku", "Größe 42 – 東京");
  }

  @Test
  void otherContentTypesAre415AndTooManyItems413() {
    assertThat(rejected("application/x-www-form-urlencoded", GOOD).status()).isEqualTo(415);
    assertThat(rejected(null, GOOD).status()).isEqualTo(415);
    assertThat(rejected("application/json", "[" + (GOOD + ",").repeat(3) + GOOD + "]").status()).isEqualTo(413);
  }

  @Test
  void emptyOrUnparseableBodiesAre400() {
    assertThat(rejected("application/json", "").status()).isEqualTo(400);
    assertThat(rejected("application/json", "[]").getMessage()).isEqualTo("the batch is empty");
    assertThat(rejected("application/json", "{oops").getMessage()).startsWith("the body is not valid JSON");
    assertThat(rejected("application/json", "42").getMessage()).contains("object or an array");
    assertThat(rejected("application/json", "[1]").details().getJsonObject(0).getString("reason")).contains("JSON object");
    assertThat(rejected("application/x-ndjson", "\n\n").getMessage()).contains("no touchpoints");
  }

  @Test
  void aNonFiniteOrTextValueIsRefused() {
    assertThatThrownBy(() -> TouchpointReader.parse("application/json", GOOD.replace("42.5", "\"42.5\""), 3))
        .isInstanceOf(RejectedInput.class);
  }

  /** One touchpoint with {@code field} set to the raw JSON {@code value}. */
  private static String with(String field, String value) {
    JsonObject t = new JsonObject(GOOD);
    t.remove(field);
    String json = t.encode();
    return json.substring(0, json.length() - 1) + ",\"" + field + "\":" + value + "}";
  }

  @Test
  void whatTheStoreCannotHoldIsRefusedBeforeItIsAcceptedNamingTheField() {
    String[][] poison = {
        {"value", "1e16"}, {"value", "-2000000000000"}, {"value", "1e400"},
        {"occurredAt", "\"+999999999-12-31T23:59:59Z\""}, {"occurredAt", "\"0000-01-01T00:00:00Z\""},
        {"occurredAt", "\"-5000-01-01T00:00:00Z\""}, {"occurredAt", "\"+99999-01-01T00:00:00Z\""},
        {"customerId", "\"c\\u0000d\""}, {"id", "\"e\\ud800\""}, {"customerId", "\"\\udc00x\""},
        {"properties", "{\"text\":\"a\\u0000b\"}"}, {"properties", "{\"k\\u0000\":1}"},
        {"properties", "{\"nested\":[{\"deep\":\"\\ud83d\"}]}"},
        {"properties", "{\"n\":" + "[".repeat(40) + "1" + "]".repeat(40) + "}"},
        {"customerId", "\"" + "c".repeat(201) + "\""},
    };
    for (String[] p : poison) {
      RejectedInput e = rejected("application/json", with(p[0], p[1]));
      assertThat(e.status()).as(p[1]).isEqualTo(400);
      assertThat(e.details()).as(p[1]).singleElement()
          .satisfies(d -> assertThat(((JsonObject) d).getString("field")).isEqualTo(p[0]));
    }
  }

  @Test
  void theEnginesOwnTypeAndIdsCannotBeSentByAnyChannel() {
    RejectedInput timer = rejected("application/json", with("type", "\"timer\""));
    assertThat(timer.details().getJsonObject(0).getString("reason")).contains("engine's own");
    RejectedInput preempted = rejected("application/json", with("id", "\"rapport:timer:c1:review-request\""));
    assertThat(preempted.details().getJsonObject(0).getString("field")).isEqualTo("id");
  }

  @Test
  void anAmountIsKeptToFourDecimalPlacesAsTheStoreKeepsIt() {
    assertThat(TouchpointReader.parse("application/json", with("value", "59.970000000000006"), 3).get(0).value())
        .isEqualTo(new BigDecimal("59.97"));
    assertThat(TouchpointReader.parse("application/json", with("value", "30"), 3).get(0).value())
        .isEqualTo(new BigDecimal("30"));
    assertThat(TouchpointReader.parse("application/json", with("value", "1000000000000"), 3).get(0).value())
        .isEqualTo(new BigDecimal("1000000000000"));
  }

  @Test
  void aCharacterOutsideTheBasicPlaneIsText() {
    assertThat(TouchpointReader.parse("application/json", with("customerId", "\"c-\\ud83d\\ude00\""), 3).get(0)
        .customerId()).isEqualTo("c-\uD83D\uDE00");
  }
}
