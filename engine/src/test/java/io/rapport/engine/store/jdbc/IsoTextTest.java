package io.rapport.engine.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoTextTest {
  @Test
  void writesUtcWithAsManyFractionDigitsAsNeeded() {
    assertThat(IsoText.of(Instant.parse("2026-11-24T10:15:00Z"))).isEqualTo("2026-11-24T10:15:00Z");
    assertThat(IsoText.of(Instant.parse("2026-01-02T03:04:05.120Z"))).isEqualTo("2026-01-02T03:04:05.120000Z");
    assertThat(IsoText.of(Instant.parse("0001-01-01T00:00:00.000000001Z"))).isEqualTo("0001-01-01T00:00:00.000000001Z");
    assertThat(IsoText.of(null)).isNull();
  }

  @Test
  void yearsBeyondFourDigitsReadBackAsWell() {
    Instant far = Instant.parse("+12026-11-24T10:15:00Z");
    assertThat(Instant.parse(IsoText.of(far))).isEqualTo(far);
  }

  @Test
  void randomInstantsReadBackUnchanged() {
    Random random = new Random(11);
    for (int i = 0; i < 50_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(-63_000_000_000L, 260_000_000_000L),
          random.nextBoolean() ? random.nextInt(1_000_000) * 1000 : random.nextInt(1_000_000_000));
      assertThat(Instant.parse(IsoText.of(t))).as(t.toString()).isEqualTo(t);
    }
  }
}
