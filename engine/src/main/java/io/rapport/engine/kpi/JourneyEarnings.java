package io.rapport.engine.kpi;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one journey (a rule and a template) earned in the window: actions sent, discount codes redeemed, and the revenue
 * of purchases attributed to its actions, per currency. Attribution, not proof of cause.
 */
public record JourneyEarnings(String rule, String template, long sent, long codesRedeemed,
    Map<String, BigDecimal> attributedRevenue) {
  public JourneyEarnings {
    attributedRevenue = amounts(attributedRevenue);
  }

  /** Amounts per currency, each written plainly with no trailing zeros (80, 12.5), sorted by currency. */
  static Map<String, BigDecimal> amounts(Map<String, BigDecimal> amounts) {
    Map<String, BigDecimal> plain = new TreeMap<>();
    amounts.forEach((currency, amount) -> {
      BigDecimal a = amount.stripTrailingZeros();
      plain.put(currency, a.scale() < 0 ? a.setScale(0) : a);
    });
    return java.util.Collections.unmodifiableMap(plain);
  }

  /** This journey with more actions sent, codes redeemed and revenue attributed. */
  public JourneyEarnings plus(long moreSent, long moreCodes, Map<String, BigDecimal> moreRevenue) {
    Map<String, BigDecimal> revenue = new TreeMap<>(attributedRevenue);
    moreRevenue.forEach((currency, amount) -> revenue.merge(currency, amount, BigDecimal::add));
    return new JourneyEarnings(rule, template, sent + moreSent, codesRedeemed + moreCodes, revenue);
  }
}
