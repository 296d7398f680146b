package io.rapport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TouchpointMixTest {
  private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

  @Test
  void theLinesTheClientsSendAreTheTouchpointsTheConsistencyCheckReplays() {
    TouchpointMix asJson = new TouchpointMix(42, 1_000, "run", START, 8, 3, true);
    TouchpointMix asLines = new TouchpointMix(42, 1_000, "run", START, 8, 3, true);
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 5_000; i++) {
      asLines.appendNextLine(lines);
    }
    String[] sent = lines.toString().split("\n");
    assertThat(sent).hasSize(5_000);
    for (String line : sent) {
      assertThat(new JsonObject(line)).isEqualTo(asJson.next());
    }
  }

  @Test
  void everyCustomerOfAClientComesFirstInOrderThenAtRandom() {
    TouchpointMix mix = new TouchpointMix(7, 100, "run", START, 4, 1, true);
    for (int i = 0; i < mix.slots(); i++) {
      assertThat(mix.next().getString("customerId")).isEqualTo("c-" + (1 + 4 * i));
    }
    for (int i = 0; i < 1_000; i++) {
      int customer = Integer.parseInt(mix.next().getString("customerId").substring(2));
      assertThat(customer % 4).isEqualTo(1);
    }
  }
}
