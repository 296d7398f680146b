package io.rapport.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OccurredAtTest {
  /** What the route accepted before the direct reading: the JDK's ISO parser, to microseconds. */
  private static Instant jdk(String s) {
    return OffsetDateTime.parse(s).toInstant().truncatedTo(ChronoUnit.MICROS);
  }

  @Test
  void theCommonFormsReadAsTheInstantTheyName() {
    assertThat(OccurredAt.parse("2026-11-24T10:15:00Z")).isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
    assertThat(OccurredAt.parse("2026-11-24T11:15:00+01:00")).isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
    assertThat(OccurredAt.parse("2026-11-24T05:45:00.5-04:30")).isEqualTo(Instant.parse("2026-11-24T10:15:00.500Z"));
  }

  @Test
  void fractionsBeyondMicrosecondsAreCutAsTheDatabasesCutThem() {
    assertThat(OccurredAt.parse("2026-11-24T10:15:00.123456789Z")).isEqualTo(Instant.parse("2026-11-24T10:15:00.123456Z"));
  }

  @Test
  void otherIsoFormsStillReadAsTheJdkReadsThem() {
    for (String s : List.of("2026-11-24T10:15Z", "2026-11-24t10:15:00z", "2026-11-24T10:15:00+01:00:30", "2026-11-24T10:15:00.Z", "+12026-11-24T10:15:00Z")) {
      assertThat(OccurredAt.parse(s)).as(s).isEqualTo(jdk(s));
    }
  }

  @Test
  void timesWithoutAnOffsetOrThatCannotBeAreRefused() {
    for (String s : List.of("2026-11-24T10:15:00", "2026-02-30T10:15:00Z", "2026-11-24T24:00:00Z", "2026-11-24T10:15:60Z",
        "2026-11-24T10:15:00+19:00", "2026-11-24 10:15:00Z", "yesterday", "2026-1x-24T10:15:00Z")) {
      assertThatThrownBy(() -> OccurredAt.parse(s)).as(s).isInstanceOf(DateTimeParseException.class);
    }
  }

  @Test
  void randomTimesReadTheSameAsThroughTheJdk() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      long second = random.nextLong(-62_000_000_000L, 250_000_000_000L);
      int nanos = random.nextInt(1_000_000_000);
      int offsetMinutes = random.nextInt(-18 * 60, 18 * 60 + 1);
      String text = OffsetDateTime.ofInstant(Instant.ofEpochSecond(second, nanos),
          java.time.ZoneOffset.ofTotalSeconds(offsetMinutes * 60)).toString();
      assertThat(OccurredAt.parse(text)).as(text).isEqualTo(jdk(text));
    }
  }
}
