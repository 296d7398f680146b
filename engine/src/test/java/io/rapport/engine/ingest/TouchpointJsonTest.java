package io.rapport.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.rules.Touchpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TouchpointJsonTest {

  @Test
  void nestedPropertiesReachTheRulesAsPlainMapsAndLists() {
    JsonObject json = new JsonObject()
        .put("id", "e1").put("customerId", "c1").put("type", "purchase").put("occurredAt", "2026-11-24T10:15:00Z")
        .put("properties", new JsonObject()
            .put("sku", "A-1")
            .put("lines", new JsonArray().add(new JsonObject().put("qty", 2)).add("gift"))
            .put("shop", new JsonObject().put("city", "Lyon"))
            .putNull("coupon"));

    Touchpoint t = TouchpointJson.read(json.copy()); // as the event bus delivers it

    assertThat(t.properties()).containsEntry("sku", "A-1").containsEntry("coupon", null);
    assertThat(t.properties().get("lines")).isEqualTo(List.of(Map.of("qty", 2), "gift"));
    assertThat(t.properties().get("lines")).isNotInstanceOf(JsonArray.class);
    assertThat(t.properties().get("shop")).isEqualTo(Map.of("city", "Lyon")).isNotInstanceOf(JsonObject.class);
  }

  @Test
  void theTimeMayComeAsAnInstantFromTheRoutesOrAsTextFromElsewhere() {
    Instant at = Instant.parse("2026-11-24T10:15:00.123456Z");
    JsonObject fromRoute = new JsonObject().put("id", "e1").put("customerId", "c1").put("type", "visit").put("occurredAt", at);
    JsonObject asText = fromRoute.copy().put("occurredAt", "2026-11-24T11:15:00.123456+01:00");

    assertThat(TouchpointJson.read(fromRoute.copy()).occurredAt()).isEqualTo(at);
    assertThat(TouchpointJson.read(asText).occurredAt()).isEqualTo(at);
  }
}
