package io.rapport.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The purchase lifecycle of purchases.drl, one behaviour per test, in Java. */
class PurchaseRulesTest {
  private static final RuleBook RULES = RuleBook.defaults();
  private int seq;

  private Touchpoint purchase(String customer, String amount) {
    return new Touchpoint(
        "evt-" + ++seq,
        customer,
        "purchase",
        Instant.parse("2026-01-01T00:00:00Z").plusSeconds(seq * 3600L),
        "web",
        new BigDecimal(amount),
        "EUR",
        Map.of());
  }

  private Decision decide(Customer c, Touchpoint t) {
    return RULES.decide(c, t);
  }

  @Test
  void aThreadsSessionIsRenewedAfterItsShareAndDecidesAlikeOnTheFreshOne() {
    RuleBook rules = RuleBook.defaults();
    for (int i = 0; i < RuleBook.EVALUATIONS_PER_SESSION + 10; i++) {
      Customer c = new Customer("c-" + i);
      Decision d = rules.decide(c, purchase(c.getId(), "20"));
      assertThat(c.getStage()).as("customer %d", i).isEqualTo("NEW_CUSTOMER");
      assertThat(d.actions()).extracting(ActionRequest::template).as("customer %d", i)
          .containsExactly("welcome-first-purchase");
      assertThat(rules.sessionsOpened()).as("sessions after %d evaluations", i + 1)
          .isEqualTo(i < RuleBook.EVALUATIONS_PER_SESSION ? 1 : 2);
    }
  }

  @Test
  void firstPurchaseMakesAProspectANewCustomerAndSaysWhy() {
    Customer c = new Customer("c-1");
    Touchpoint t = purchase("c-1", "20");

    Decision d = decide(c, t);

    assertThat(c.getStage()).isEqualTo("NEW_CUSTOMER");
    assertThat(c.getStageSince()).isEqualTo(t.occurredAt());
    assertThat(d.transitions())
        .containsExactly(
            new Transition(
                "c-1",
                "PROSPECT",
                "NEW_CUSTOMER",
                "First purchase makes a new customer",
                "first purchase",
                t.id(),
                t.occurredAt()));
    assertThat(d.actions())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.channel()).isEqualTo("email");
              assertThat(a.template()).isEqualTo("welcome-first-purchase");
              assertThat(a.rule()).isEqualTo("First purchase makes a new customer");
              assertThat(a.touchpointId()).isEqualTo(t.id());
              assertThat(a.idempotencyKey()).isEqualTo(t.id() + "/0");
            });
    assertThat(d.firedRules()).contains("First purchase makes a new customer");
    assertThat(d.timers().stream().filter(r -> !r.cancels()).map(TimerRequest::name))
        .containsExactly("inactive-90", "review-request");
    // inactive-365 waits for inactive-90 to fire; a purchase takes back any that is pending
    assertThat(d.timers().stream().filter(TimerRequest::cancels).map(TimerRequest::name)).contains("inactive-365");
  }

  @Test
  void aLeadBecomesANewCustomerOnTheFirstPurchaseToo() {
    Customer c =
        new Customer("c-2", "LEAD", null, 0, BigDecimal.ZERO, null, null, null, 0, Map.of(), 3);
    decide(c, purchase("c-2", "5"));
    assertThat(c.getStage()).isEqualTo("NEW_CUSTOMER");
  }

  @Test
  void secondPurchaseMakesARepeatCustomer() {
    Customer c = new Customer("c-3");
    decide(c, purchase("c-3", "10"));
    Decision d = decide(c, purchase("c-3", "10"));
    assertThat(c.getStage()).isEqualTo("REPEAT");
    assertThat(d.transitions()).extracting(Transition::rule)
        .containsExactly("Second purchase makes a repeat customer");
    assertThat(d.actions()).extracting(ActionRequest::template).containsExactly("thank-you-repeat");
  }

  @Test
  void fifthOrderMakesALoyalCustomer() {
    Customer c = new Customer("c-4");
    for (int i = 0; i < 4; i++) {
      decide(c, purchase("c-4", "10"));
    }
    assertThat(c.getStage()).isEqualTo("REPEAT");
    Decision d = decide(c, purchase("c-4", "10"));
    assertThat(c.getStage()).isEqualTo("LOYAL");
    assertThat(d.actions()).extracting(ActionRequest::template).containsExactly("loyalty-reward");
  }

  @Test
  void revenueOf500MakesARepeatCustomerLoyalBeforeFiveOrders() {
    Customer c = new Customer("c-5");
    decide(c, purchase("c-5", "100"));
    decide(c, purchase("c-5", "100"));
    assertThat(c.getStage()).isEqualTo("REPEAT");
    decide(c, purchase("c-5", "300"));
    assertThat(c.getOrders()).isEqualTo(3);
    assertThat(c.getStage()).isEqualTo("LOYAL");
  }

  @Test
  void revenueJustUnder500KeepsARepeatCustomerWhereTheyAre() {
    Customer c = new Customer("c-6");
    decide(c, purchase("c-6", "100"));
    decide(c, purchase("c-6", "100"));
    Decision d = decide(c, purchase("c-6", "299.99"));
    assertThat(c.getStage()).isEqualTo("REPEAT");
    assertThat(d.transitions()).isEmpty();
  }

  @Test
  void aVisitChangesNoStageAndSendsNothing() {
    Customer c = new Customer("c-7");
    Touchpoint visit =
        new Touchpoint("v-1", "c-7", "web_visit", Instant.parse("2026-01-01T00:00:00Z"), "web",
            null, null, Map.of("page", "/"));
    Decision d = decide(c, visit);
    assertThat(c.getStage()).isEqualTo("PROSPECT");
    assertThat(c.getLastActivityAt()).isEqualTo(visit.occurredAt());
    assertThat(d.transitions()).isEmpty();
    assertThat(d.actions()).isEmpty();
    assertThat(d.firedRules()).isEmpty();
  }

  @Test
  void aVisitChangesTheLastActivityAndALateVisitNothing() {
    Customer c = new Customer("c-8");
    decide(c, purchase("c-8", "20"));
    Customer before = c.copy();
    decide(c, new Touchpoint("v-2", "c-8", "web_visit", Instant.parse("2026-06-01T00:00:00Z"), "web", null, null, Map.of()));
    assertThat(c.getLastActivityAt()).isEqualTo(Instant.parse("2026-06-01T00:00:00Z")).isNotEqualTo(before.getLastActivityAt());
    assertThat(c.unchangedSince(before)).isFalse();

    Customer beforeLateVisit = c.copy();
    decide(c, new Touchpoint("v-1", "c-8", "web_visit", Instant.parse("2026-05-01T00:00:00Z"), "web", null, null, Map.of()));
    assertThat(c.getLastActivityAt()).isEqualTo(Instant.parse("2026-06-01T00:00:00Z"));
    assertThat(c.unchangedSince(beforeLateVisit)).isTrue();

    Customer beforePurchase = c.copy();
    decide(c, purchase("c-8", "5"));
    assertThat(c.unchangedSince(beforePurchase)).isFalse();
  }

  @Test
  void aRuleThatThrowsGivesAFailedDecisionNotAnException() {
    RuleBook broken =
        RuleBook.compile(
            Map.of(
                "rapport/journey/broken.drl",
                """
                package rapport.journey
                import io.rapport.rules.Customer
                global io.rapport.rules.Journey journey
                rule "Moves nowhere"
                when $c : Customer()
                then journey.moveTo($c, "", "oops");
                end
                """));
    Decision d = broken.decide(new Customer("c-8"), purchase("c-8", "1"));
    assertThat(d.failedToDecide()).isTrue();
    assertThat(d.error()).contains("Moves nowhere");
  }

  @Test
  void aCompileErrorNamesFileLineAndColumn() {
    assertThatThrownBy(
            () ->
                RuleBook.compile(
                    Map.of(
                        "rapport/journey/typo.drl",
                        "package rapport.journey\nrule \"x\"\nwhen\n  Custmer( )\nthen\nend\n")))
        .isInstanceOfSatisfying(
            InvalidRulesException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(
                        p -> {
                          assertThat(p.file()).isEqualTo("rapport/journey/typo.drl");
                          assertThat(p.line()).isEqualTo(4);
                          assertThat(p.message()).contains("Custmer");
                        }));
  }
}
