package io.rapport.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreGaugesTest {
  private static final Duration REFRESH = Duration.ofSeconds(15);

  @Test
  void quickCountsComeEveryMetricsRefresh() {
    assertThat(StoreGauges.nextAfter(REFRESH, 100, Duration.ofMillis(30), Duration.ofMillis(40))).isEqualTo(REFRESH);
  }

  @Test
  void countsUnderATenthOfASecondNeverStretchTheWait() {
    Duration often = Duration.ofMillis(500);
    assertThat(StoreGauges.nextAfter(often, 100, Duration.ofMillis(60), Duration.ofMillis(90))).isEqualTo(often);
  }

  @Test
  void slowCountsWaitAHundredTimesTheirTimeSoCountingCostsTheStoreAtMostOnePercent() {
    // a million customers: counting takes seconds, and minutes of stale stage counts are the price
    assertThat(StoreGauges.nextAfter(REFRESH, 100, Duration.ofMillis(2600), Duration.ofMillis(2900)))
        .isEqualTo(Duration.ofSeconds(260));
  }

  @Test
  void oneSlowCountAloneStretchesNothing() {
    // the first count after a start, or one that met a checkpoint
    assertThat(StoreGauges.nextAfter(REFRESH, 100, Duration.ZERO, Duration.ofMillis(900))).isEqualTo(REFRESH);
    assertThat(StoreGauges.nextAfter(REFRESH, 100, Duration.ofMillis(20), Duration.ofMillis(900))).isEqualTo(REFRESH);
  }

  @Test
  void aSpacingOfOneCountsAgainAsSoonAsTheRefreshOrTheLastCountAllows() {
    // an operator who wants fresh stage counts and accepts what counting costs
    Duration often = Duration.ofMillis(500);
    assertThat(StoreGauges.nextAfter(often, 1, Duration.ofMillis(300), Duration.ofMillis(400))).isEqualTo(often);
    assertThat(StoreGauges.nextAfter(often, 1, Duration.ofMillis(2600), Duration.ofMillis(2900))).isEqualTo(Duration.ofMillis(2600));
  }
}
