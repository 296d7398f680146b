package io.rapport.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a marketer writes keeps working: the forms of the default rules, and a few more. */
class AllowedFormsTest {
  private static final String HEAD = """
      package rapport.journey

      import io.rapport.rules.Customer
      import io.rapport.rules.Touchpoint

      global io.rapport.rules.Journey journey

      """;
  private static final Instant MARCH = Instant.parse("2026-03-01T10:00:00Z");

  private static RuleBook rules(String drl) {
    return RuleBook.compile(Map.of("rapport/journey/mine.drl", HEAD + drl));
  }

  private static Customer loyal() {
    return new Customer("c-1", "LOYAL", MARCH.minusSeconds(86_400 * 30L), 6, new BigDecimal("640.50"),
        MARCH.minusSeconds(86_400 * 400L), MARCH.minusSeconds(86_400), 9, 0, Map.of("tier", "gold"), 1);
  }

  private static Touchpoint nps(int score) {
    return new Touchpoint("t-" + score, "c-1", "nps_response", MARCH, "survey", null, null,
        Map.of("score", score, "email", "ann@example.com"));
  }

  @Test
  void textIsJoinedWithPlusAndNumbersWithMathMax() {
    Decision d = rules("""
        rule "Say the score"
        no-loop
        when
            $c : Customer( lastNps != null )
            $t : Touchpoint( type == "nps_response", score >= 0 )
        then
            journey.send($c, "email", "nps-thanks", journey.with(
                "reason", "NPS " + $c.getLastNps(),
                "points", Math.max($c.getOrders() * 10, 50),
                "least", Math.min($t.getScore(), 5)));
        end
        """).decide(loyal(), nps(9));
    assertThat(d.error()).isNull();
    assertThat(d.actions()).singleElement().satisfies(a -> assertThat(a.params())
        .containsEntry("reason", "NPS 9").containsEntry("points", 60).containsEntry("least", 5));
  }

  @Test
  void moneyIsComparedAsBigDecimalInConditionsAndConsequences() {
    Decision d = rules("""
        rule "Big spender"
        when
            $c : Customer( revenue >= 500, revenue.compareTo(getRevenue().negate()) > 0 )
            Touchpoint( value != null )
        then
            if ($c.getRevenue().compareTo($c.getRevenue().subtract($c.getRevenue().abs())) > 0) {
                journey.moveTo($c, "BIG_SPENDER", "revenue " + $c.getRevenue().toPlainString());
            } else {
                journey.moveTo($c, "SMALL", "no");
            }
        end
        """).decide(loyal(), new Touchpoint("p-1", "c-1", "purchase", MARCH, "web", new BigDecimal("10"), "EUR", Map.of()));
    assertThat(d.error()).isNull();
    assertThat(d.transitions()).singleElement().satisfies(t -> assertThat(t.reason()).isEqualTo("revenue 650.50"));
  }

  @Test
  void timesAreCountedWithTheJourneyAndCompared() {
    Decision d = rules("""
        rule "A year after the last purchase"
        when
            $c : Customer( lastPurchaseAt != null )
            Touchpoint( daysSince($c.getLastPurchaseAt()) > 365, occurredAt.isAfter($c.getLastPurchaseAt()) )
            exists Touchpoint( type == "nps_response" )
        then
            journey.at($c, journey.daysAfter($c.getLastPurchaseAt(), 365), "anniversary");
            journey.set($c, "checkedAt", journey.now());
            journey.set($c, "quietDays", journey.daysSince($c.getLastPurchaseAt()));
        end
        """).decide(loyal(), nps(9));
    assertThat(d.error()).isNull();
    assertThat(d.timers()).extracting(TimerRequest::name).containsExactly("anniversary");
  }

  @Test
  void localsTernariesListsAndPropertiesReadAsMarketersWriteThem() {
    Customer c = loyal();
    Decision d = rules("""
        rule "Tiered thanks"
        salience 10
        when
            $c : Customer( stage in ("LOYAL", "ADVOCATE"), stage not in ("CHURNED"), attributes["tier"] == "gold" )
            $t : Touchpoint( properties["email"] != null, $score : score, type == "nps_response" || type == "review" )
            not Touchpoint( type == "complaint" )
        then
            String email = $t.text("email").trim().toLowerCase();
            int bonus = $score >= 9 ? 20 : 5;
            boolean gold = "gold".equals($c.attribute("tier"));
            journey.send($c, "email", gold ? "gold-thanks" : "thanks",
                journey.with("bonus", bonus, "domain", email.substring(email.indexOf("@") + 1)));
        end
        """).decide(c, nps(10));
    assertThat(d.error()).isNull();
    assertThat(d.actions()).singleElement().satisfies(a -> {
      assertThat(a.template()).isEqualTo("gold-thanks");
      assertThat(a.params()).containsEntry("bonus", 20).containsEntry("domain", "example.com");
    });
  }

  @Test
  void aTimeKeptInAnAttributeIsKeptAsIsoText() {
    Customer c = loyal();
    rules("""
        rule "Remember when"
        when
            $c : Customer()
            Touchpoint()
        then
            journey.set($c, "seenAt", journey.now());
        end
        """).decide(c, nps(8));
    assertThat(c.attribute("seenAt")).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(c.instantAttribute("seenAt")).isEqualTo(MARCH);
  }
}
