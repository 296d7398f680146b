package io.rapport.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine keeps a customer's consent per channel from their unsubscribe and subscribe touchpoints. */
class ConsentTest {
  private static final Instant MARCH = Instant.parse("2026-03-01T10:00:00Z");

  private static Touchpoint tp(String type, Instant at, Map<String, Object> properties) {
    return new Touchpoint("t-" + type + at, "c-1", type, at, "email", null, null, properties);
  }

  @Test
  void anUnsubscribeWithoutAChannelWithdrawsEmailConsentAndASubscribeGivesItBack() {
    Customer c = new Customer("c-1");
    c.absorb(tp("unsubscribe", MARCH, Map.of()));
    assertThat(Consent.optedOut(c.getAttributes(), "email")).isTrue();
    c.absorb(tp("subscribe", MARCH.plusSeconds(60), Map.of()));
    assertThat(Consent.optedOut(c.getAttributes(), "email")).isFalse();
  }

  @Test
  void anUnsubscribeFromSmsLeavesEmailBe() {
    Customer c = new Customer("c-1");
    c.absorb(tp("unsubscribe", MARCH, Map.of("channel", "sms")));
    assertThat(Consent.optedOut(c.getAttributes(), "sms")).isTrue();
    assertThat(Consent.optedOut(c.getAttributes(), "email")).isFalse();
  }

  @Test
  void aLateSubscribeDoesNotUndoANewerUnsubscribe() {
    Customer c = new Customer("c-1");
    c.absorb(tp("unsubscribe", MARCH, Map.of()));
    c.absorb(tp("subscribe", MARCH.minusSeconds(3600), Map.of()));
    assertThat(Consent.optedOut(c.getAttributes(), "email")).isTrue();
  }

  @Test
  void aChannelThatIsNoWordChangesNothing() {
    Customer c = new Customer("c-1");
    c.absorb(tp("unsubscribe", MARCH, Map.of("channel", "Email Consent; drop")));
    assertThat(c.getAttributes()).isEmpty();
  }
}
