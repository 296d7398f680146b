package io.rapport.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A discount code is random, new at every issue, and cannot be computed from the customer's id. */
class DiscountCodesTest {
  private static final Instant MARCH = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void everyIssueGetsANewCodeOfTenUnambiguousCharactersAfterThePercent() {
    DiscountCodes codes = DiscountCodes.unpredictable();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String code = codes.code("c-1042", 15);
      assertThat(code).matches("R15-[A-HJ-NP-Z2-9]{10}");
      assertThat(seen.add(code)).as("issued twice: " + code).isTrue();
    }
  }

  @Test
  void twoServersDoNotIssueTheSameCodesForTheSameCustomer() {
    assertThat(DiscountCodes.unpredictable().code("c-1042", 15))
        .isNotEqualTo(DiscountCodes.unpredictable().code("c-1042", 15));
  }

  @Test
  void aSeededRunIssuesTheSameCodesEachTime() {
    DiscountCodes one = DiscountCodes.seeded(7);
    DiscountCodes two = DiscountCodes.seeded(7);
    assertThat(one.code("c-1", 10)).isEqualTo(two.code("c-1", 10));
    assertThat(one.code("c-1", 10)).isEqualTo(two.code("c-1", 10)).isNotEqualTo(one.code("c-1", 10));
  }

  @Test
  void aCodeIssuedAndSentIsRecordedWithItsExpiryTemplateAndAction() {
    Recorder journey = new Recorder(new Touchpoint("t-1", "c-1", "purchase", MARCH, "web", BigDecimal.ONE, "EUR",
        Map.of()), null, "Win back", DiscountCodes.seeded(1), RuleBook.TRANSACTIONAL_TEMPLATES);
    Customer c = new Customer("c-1");
    journey.send(c, "email", "hello");
    String code = journey.discountCode(c, 15);
    String longer = journey.discountCode(c, 20, 60);
    journey.send(c, "email", "win-back-offer", journey.with("discountCode", code, "percent", 15));
    Decision d = journey.decision();
    assertThat(d.codes()).hasSize(2);
    IssuedCode sent = d.codes().get(0);
    assertThat(sent.code()).isEqualTo(code);
    assertThat(sent.expiresAt()).isEqualTo(MARCH.plusSeconds(30L * 86_400));
    assertThat(sent.template()).isEqualTo("win-back-offer");
    assertThat(sent.actionKey()).isEqualTo("t-1/1");
    assertThat(sent.rule()).isEqualTo("Win back");
    IssuedCode kept = d.codes().get(1);
    assertThat(kept.code()).isEqualTo(longer);
    assertThat(kept.expiresAt()).isEqualTo(MARCH.plusSeconds(60L * 86_400));
    assertThat(kept.actionKey()).as("never sent").isNull();
  }
}
