package io.rapport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TouchpointMixTest {
  private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

  @Test
  void theLinesTheClientsSendAreTheTouchpointsTheConsistencyCheckReplays() {
    TouchpointMix asJson = new TouchpointMix(42, 1_000, "run", START, 8, 3, 2);
    TouchpointMix asLines = new TouchpointMix(42, 1_000, "run", START, 8, 3, 2);
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
  void everyCustomerOfAClientGetsItsRoundsOfHistoryInOrderThenTouchpointsAtRandom() {
    TouchpointMix mix = new TouchpointMix(7, 100, "run", START, 4, 1, 3);
    assertThat(mix.inRounds()).isEqualTo(3 * 25);
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < mix.slots(); i++) {
        assertThat(mix.next().getString("customerId")).isEqualTo("c-" + (1 + 4 * i));
      }
    }
    List<String> inOrder = new ArrayList<>();
    List<String> after = new ArrayList<>();
    for (int i = 0; i < mix.slots(); i++) {
      inOrder.add("c-" + (1 + 4 * i));
      after.add(mix.next().getString("customerId"));
    }
    assertThat(after).isNotEqualTo(inOrder).allSatisfy(id -> assertThat(Integer.parseInt(id.substring(2)) % 4).isEqualTo(1));
  }
}
