package io.rapport.engine.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.engine.store.OutboxAction;
import io.rapport.engine.store.Recipient;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guardrails' verdicts on one action about to be sent, with the settings' defaults. */
class GuardrailsTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private final Guardrails guard = new Guardrails(new Guardrails.Options(3, Duration.ofDays(7), true,
      LocalTime.of(21, 0), LocalTime.of(8, 0), ZoneId.of("UTC"), Duration.ofDays(3),
      Map.of("birthday-offer", Duration.ofDays(1))));
  /** Noon UTC on a weekday: no quiet hours in UTC. */
  private static final Instant NOON = Instant.parse("2026-06-10T12:00:00Z");

  private static OutboxAction email(String template, boolean transactional, Instant eventAt) {
    return new OutboxAction(1, "t/0", "c-1", "email", template, Map.of(), "A rule", "t", 0, transactional, eventAt);
  }

  private static Recipient with(Map<String, Object> attributes, int sent) {
    return new Recipient(attributes, sent);
  }

  @Test
  void anEmailToACustomerWhoUnsubscribedIsSuppressedForConsent() {
    assertThat(guard.judge(email("welcome", false, NOON), with(Map.of("emailConsent", false), 0), 0, NOON))
        .isEqualTo(new Guardrails.Suppress("consent"));
  }

  @Test
  void anOptOutOfSmsLeavesEmailsBe() {
    assertThat(guard.judge(email("welcome", false, NOON), with(Map.of("smsConsent", false), 0), 0, NOON))
        .isEqualTo(new Guardrails.Send());
  }

  @Test
  void aTransactionalMessageIgnoresOptOutsCapsAndQuietHours() {
    Instant night = Instant.parse("2026-06-10T23:00:00Z");
    assertThat(guard.judge(email("receipt", true, night), with(Map.of("emailConsent", false), 10), 0, night))
        .isEqualTo(new Guardrails.Send());
  }

  @Test
  void theFourthMarketingMessageInAWeekIsSuppressedForFrequency() {
    assertThat(guard.judge(email("welcome", false, NOON), with(Map.of(), 2), 0, NOON)).isEqualTo(new Guardrails.Send());
    assertThat(guard.judge(email("welcome", false, NOON), with(Map.of(), 3), 0, NOON))
        .isEqualTo(new Guardrails.Suppress("frequency"));
    assertThat(guard.judge(email("welcome", false, NOON), with(Map.of(), 2), 1, NOON))
        .as("one on its way counts").isEqualTo(new Guardrails.Suppress("frequency"));
  }

  @Test
  void anActionDecidedOnAnEventOlderThanTheMaxAgeIsStaleAndATemplateMayHaveItsOwnAge() {
    Instant twoDaysAgo = NOON.minus(Duration.ofDays(2));
    assertThat(guard.judge(email("win-back-offer", false, twoDaysAgo), with(Map.of(), 0), 0, NOON))
        .isEqualTo(new Guardrails.Send());
    assertThat(guard.judge(email("win-back-offer", false, NOON.minus(Duration.ofDays(4))), with(Map.of(), 0), 0, NOON))
        .isEqualTo(new Guardrails.Suppress("stale"));
    assertThat(guard.judge(email("birthday-offer", false, twoDaysAgo), with(Map.of(), 0), 0, NOON))
        .isEqualTo(new Guardrails.Suppress("stale"));
    assertThat(guard.judge(email("escalation", true, NOON.minus(Duration.ofDays(4))), with(Map.of(), 0), 0, NOON))
        .as("transactional or not").isEqualTo(new Guardrails.Suppress("stale"));
  }

  @Test
  void atNightInTheCustomersZoneAnEmailWaitsForEightOClockThere() {
    Instant tenPastTenBerlinSummer = Instant.parse("2026-06-10T20:10:00Z");
    assertThat(guard.judge(email("welcome", false, tenPastTenBerlinSummer), with(Map.of("timezone", "Europe/Berlin"),
        0), 0, tenPastTenBerlinSummer))
        .isEqualTo(new Guardrails.Defer(Instant.parse("2026-06-11T06:00:00Z"), "quiet-hours"));
    assertThat(guard.judge(email("welcome", false, tenPastTenBerlinSummer), with(Map.of(), 0), 0,
        tenPastTenBerlinSummer)).as("20:10 in UTC, the default zone, is not quiet").isEqualTo(new Guardrails.Send());
    assertThat(guard.judge(email("welcome", false, tenPastTenBerlinSummer), with(Map.of("timezone", "Mars/Olympus"),
        0), 0, tenPastTenBerlinSummer)).as("an unknown zone falls back to the default").isEqualTo(new Guardrails.Send());
  }

  @Test
  void quietHoursEndAtEightOnTheWallClockAcrossTheSpringChangeInBerlin() {
    // 29 March 2026: clocks go from 02:00 CET to 03:00 CEST. 23:00 CET on the 28th is 22:00Z; 08:00 CEST is 06:00Z.
    assertThat(guard.quietHoursEnd(Instant.parse("2026-03-28T22:00:00Z"), BERLIN))
        .isEqualTo(Instant.parse("2026-03-29T06:00:00Z"));
    // 02:30 does not exist that night: 00:59Z is 01:59 CET, 01:00Z is 03:00 CEST; both wait for 06:00Z
    assertThat(guard.quietHoursEnd(Instant.parse("2026-03-29T00:59:00Z"), BERLIN))
        .isEqualTo(Instant.parse("2026-03-29T06:00:00Z"));
    assertThat(guard.quietHoursEnd(Instant.parse("2026-03-29T06:00:00Z"), BERLIN)).as("08:00 CEST: over").isNull();
    assertThat(guard.quietHoursEnd(Instant.parse("2026-03-29T05:59:00Z"), BERLIN)).isNotNull();
  }

  @Test
  void quietHoursEndAtEightOnTheWallClockAcrossTheAutumnChangeInBerlin() {
    // 25 October 2026: clocks go back from 03:00 CEST to 02:00 CET. 22:00 CEST on the 24th is 20:00Z; 08:00 CET 07:00Z.
    assertThat(guard.quietHoursEnd(Instant.parse("2026-10-24T20:00:00Z"), BERLIN))
        .isEqualTo(Instant.parse("2026-10-25T07:00:00Z"));
    assertThat(guard.quietHoursEnd(Instant.parse("2026-10-25T06:30:00Z"), BERLIN)).as("07:30 CET: still quiet")
        .isEqualTo(Instant.parse("2026-10-25T07:00:00Z"));
    assertThat(guard.quietHoursEnd(Instant.parse("2026-10-24T18:59:00Z"), BERLIN)).as("20:59 CEST: not yet").isNull();
    assertThat(guard.quietHoursEnd(Instant.parse("2026-10-24T19:00:00Z"), BERLIN)).as("21:00 CEST: quiet")
        .isEqualTo(Instant.parse("2026-10-25T07:00:00Z"));
  }

  @Test
  void quietHoursEndAtEightOnTheWallClockAcrossBothChangesInNewYork() {
    // 8 March 2026: 02:00 EST becomes 03:00 EDT. 22:00 EST on the 7th is 03:00Z on the 8th; 08:00 EDT is 12:00Z.
    assertThat(guard.quietHoursEnd(Instant.parse("2026-03-08T03:00:00Z"), NEW_YORK))
        .isEqualTo(Instant.parse("2026-03-08T12:00:00Z"));
    assertThat(guard.quietHoursEnd(Instant.parse("2026-03-08T12:00:00Z"), NEW_YORK)).isNull();
    // 1 November 2026: 02:00 EDT becomes 01:00 EST. 22:00 EDT on 31 Oct is 02:00Z; 08:00 EST is 13:00Z.
    assertThat(guard.quietHoursEnd(Instant.parse("2026-11-01T02:00:00Z"), NEW_YORK))
        .isEqualTo(Instant.parse("2026-11-01T13:00:00Z"));
    assertThat(guard.quietHoursEnd(Instant.parse("2026-11-01T12:30:00Z"), NEW_YORK)).as("07:30 EST: still quiet")
        .isEqualTo(Instant.parse("2026-11-01T13:00:00Z"));
    assertThat(guard.quietHoursEnd(Instant.parse("2026-11-01T13:00:00Z"), NEW_YORK)).isNull();
  }

  @Test
  void quietHoursWithinOneDayAndNoneWhenStartEqualsEnd() {
    Guardrails lunch = new Guardrails(new Guardrails.Options(3, Duration.ofDays(7), true, LocalTime.of(12, 0),
        LocalTime.of(14, 0), ZoneId.of("UTC"), Duration.ofDays(3), Map.of()));
    assertThat(lunch.quietHoursEnd(NOON, ZoneId.of("UTC"))).isEqualTo(Instant.parse("2026-06-10T14:00:00Z"));
    assertThat(lunch.quietHoursEnd(Instant.parse("2026-06-10T23:00:00Z"), ZoneId.of("UTC"))).isNull();
    Guardrails never = new Guardrails(new Guardrails.Options(3, Duration.ofDays(7), true, LocalTime.of(8, 0),
        LocalTime.of(8, 0), ZoneId.of("UTC"), Duration.ofDays(3), Map.of()));
    assertThat(never.quietHoursEnd(NOON, ZoneId.of("UTC"))).isNull();
  }
}
