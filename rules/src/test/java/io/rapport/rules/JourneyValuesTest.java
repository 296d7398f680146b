package io.rapport.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a rule hands the journey to keep is checked when it runs too: plain values only, names
 * that are words. And the facts a rule sees are read-only views.
 */
class JourneyValuesTest {
  private static final Instant MARCH = Instant.parse("2026-03-01T10:00:00Z");
  private final Customer customer = new Customer("c-1");
  private final Recorder journey = new Recorder(
      new Touchpoint("t-1", "c-1", "purchase", MARCH, "web", BigDecimal.ONE, "EUR", Map.of()), null, "A rule", DiscountCodes.unpredictable(),
      RuleBook.TRANSACTIONAL_TEMPLATES);

  @Test
  void plainValuesAreKeptAndATimeAsIsoText() {
    journey.set(customer, "text", "x");
    journey.set(customer, "flag", true);
    journey.set(customer, "count", 3);
    journey.set(customer, "amount", new BigDecimal("9.99"));
    journey.set(customer, "at", MARCH);
    assertThat(customer.getAttributes()).containsEntry("text", "x").containsEntry("flag", true)
        .containsEntry("count", 3).containsEntry("amount", new BigDecimal("9.99")).containsEntry("at", "2026-03-01T10:00:00Z");
    journey.set(customer, "text", null);
    assertThat(customer.getAttributes()).doesNotContainKey("text");
  }

  @Test
  void aValueThatCannotBeStoredFailsTheRuleThatGaveIt() {
    assertThatThrownBy(() -> journey.set(customer, "self", journey))
        .hasMessageContaining("rule 'A rule'").hasMessageContaining("only text");
    assertThatThrownBy(() -> journey.with("nested", Map.of("a", 1))).hasMessageContaining("only text");
    assertThatThrownBy(() -> journey.with("list", List.of(1))).hasMessageContaining("only text");
    assertThatThrownBy(() -> journey.set(customer, "nan", Double.NaN)).hasMessageContaining("finite");
    assertThatThrownBy(() -> journey.set(customer, "long", "x".repeat(Recorder.MAX_TEXT + 1)))
        .hasMessageContaining("at most " + Recorder.MAX_TEXT);
    assertThatThrownBy(() -> journey.send(customer, "webhook", "x", Map.of("props", Map.of("a", 1))))
        .hasMessageContaining("only text");
    assertThatThrownBy(() -> journey.with(1, "one")).hasMessageContaining("text keys");
    assertThat(journey.with("at", MARCH)).containsEntry("at", "2026-03-01T10:00:00Z");
  }

  @Test
  void stageAndTimerNamesAreWordsOfAtMost64Characters() {
    assertThatThrownBy(() -> journey.afterDays(customer, 1, "two words")).hasMessageContaining("one word");
    assertThatThrownBy(() -> journey.cancel(customer, "x".repeat(65))).hasMessageContaining("at most 64");
    assertThatThrownBy(() -> journey.at(customer, MARCH, " ")).hasMessageContaining("without a name");
    assertThatThrownBy(() -> journey.moveTo(customer, "LOYAL\nADMIN", "x")).hasMessageContaining("stage");
    journey.afterDays(customer, 1, "inactive-90");
    assertThat(journey.decision().timers()).extracting(TimerRequest::name).containsExactly("inactive-90");
  }

  @Test
  void aRuleMayWithdrawConsentButNeverGiveIt() {
    journey.set(customer, "smsConsent", false);
    assertThat(customer.attribute("smsConsent")).isEqualTo(false);
    assertThatThrownBy(() -> journey.set(customer, "emailConsent", true)).hasMessageContaining("only the customer");
    assertThatThrownBy(() -> journey.set(customer, "smsConsent", null)).hasMessageContaining("only the customer");
  }

  @Test
  void anActionOfATransactionalTemplateOrMarkedByItsRuleIsTransactional() {
    journey.send(customer, "support", "escalation");
    journey.send(customer, "email", "order-shipped", journey.with("transactional", true));
    journey.send(customer, "email", "welcome");
    assertThat(journey.decision().actions()).extracting(ActionRequest::transactional).containsExactly(true, true, false);
  }

  @Test
  void aCustomersAttributesAreAReadOnlyView() {
    Customer c = new Customer("c-2", "LEAD", null, 0, BigDecimal.ZERO, null, null, null, 0, Map.of("tier", "gold"), 0);
    assertThatThrownBy(() -> c.getAttributes().put("emailConsent", true)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.getAttributes().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(c.copy().getAttributes()).containsEntry("tier", "gold");
  }

  @Test
  void aTouchpointsPropertiesAreReadOnlyAllTheWayDown() {
    Map<String, Object> nested = new java.util.HashMap<>();
    nested.put("items", new java.util.ArrayList<>(List.of(Map.of("sku", "A-1"))));
    nested.put("missing", null);
    Touchpoint t = new Touchpoint("t-2", "c-1", "purchase", MARCH, "web", null, null, Map.of("order", nested));
    nested.put("added", "later");
    @SuppressWarnings("unchecked")
    Map<String, Object> order = (Map<String, Object>) t.getProperties().get("order");
    @SuppressWarnings("unchecked")
    List<Object> items = (List<Object>) order.get("items");
    assertThat(order).doesNotContainKey("added").containsKey("missing");
    assertThatThrownBy(() -> order.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> items.add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> t.getProperties().put("type", "refund")).isInstanceOf(UnsupportedOperationException.class);
  }
}
