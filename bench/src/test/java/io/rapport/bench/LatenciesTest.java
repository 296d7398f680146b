package io.rapport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatenciesTest {
  private static final long MS = 1_000_000;

  /** A hundred requests, one every 100 ms, answered in 10 ms, but the three due around 5 s met a stall. */
  private static Latencies runWithAStallAtFiveSeconds() {
    List<Latencies.Sample> samples = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      long due = i * 100 * MS;
      long latency = (i >= 49 && i <= 51) ? (250 - (i - 49) * 100) * MS : 10 * MS;
      samples.add(new Latencies.Sample(due, latency));
    }
    return new Latencies(samples);
  }

  @Test
  void percentilesComeFromTheSortedLatencies() {
    Latencies l = runWithAStallAtFiveSeconds();
    assertThat(l.percentileMs(0.5)).isEqualTo(10.0);
    assertThat(l.percentileMs(0.99)).isEqualTo(250.0);
    assertThat(l.percentileMs(0.97)).isEqualTo(50.0);
  }

  @Test
  void theSlowestRequestsShowWhenTheyWereDueSoAStallStandsOut() {
    JsonArray slowest = runWithAStallAtFiveSeconds().slowest(3);
    assertThat(slowest).containsExactly(
        new JsonObject().put("at_s", 4.9).put("ms", 250.0),
        new JsonObject().put("at_s", 5.0).put("ms", 150.0),
        new JsonObject().put("at_s", 5.1).put("ms", 50.0));
  }

  @Test
  void aRunWithoutAnswersHasNoPercentilesAndNoSlowest() {
    Latencies none = new Latencies(List.of());
    assertThat(none.percentileMs(0.99)).isNaN();
    assertThat(none.slowest(10)).isEmpty();
  }
}
