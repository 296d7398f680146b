package io.rapport.engine.store.jdbc;

import io.rapport.engine.store.Decided;
import io.rapport.rules.Touchpoint;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps each customer's purchases and net revenue per currency (table customer_purchases) in the transaction that
 * stores the purchases and refunds, so that lifetime value and the repeat purchase rate never read the touchpoints.
 * Each touchpoint counts once, when it is first stored (a rule error included: the purchase happened all the same).
 */
final class CustomerPurchases {
  static final String PURCHASE = "purchase";
  static final String REFUND = "refund";
  /** Where purchases without a currency are counted. */
  static final String NO_CURRENCY = "";

  private static final String POSTGRES = "INSERT INTO customer_purchases AS p (customer_id, currency, purchases, net)"
      + " SELECT * FROM unnest(?::text[], ?::text[], ?::int[], ?::numeric[])"
      + " ON CONFLICT (customer_id, currency) DO UPDATE SET purchases = p.purchases + EXCLUDED.purchases,"
      + " net = p.net + EXCLUDED.net";
  private static final String STANDARD = "MERGE INTO customer_purchases p"
      + " USING (VALUES (CAST(? AS varchar(200)), CAST(? AS varchar(3)), CAST(? AS integer), CAST(? AS numeric(38, 4))))"
      + " AS s(customer_id, currency, purchases, net)"
      + " ON p.customer_id = s.customer_id AND p.currency = s.currency"
      + " WHEN MATCHED THEN UPDATE SET purchases = p.purchases + s.purchases, net = p.net + s.net"
      + " WHEN NOT MATCHED THEN INSERT (customer_id, currency, purchases, net)"
      + " VALUES (s.customer_id, s.currency, s.purchases, s.net)";

  private CustomerPurchases() {}

  /** A customer's change in one currency. */
  record Change(String customerId, String currency, int purchases, BigDecimal net) {}

  /** The batch's purchases and refunds, summed per customer and currency (a statement may touch a row once). */
  static Map<List<String>, Change> changes(List<Decided> decided) {
    Map<List<String>, Change> changes = new LinkedHashMap<>();
    for (Decided d : decided) {
      Touchpoint t = d.touchpoint();
      boolean purchase = PURCHASE.equals(t.type());
      if (d.again() || !(purchase || REFUND.equals(t.type()))) {
        continue;
      }
      String currency = t.value() == null || t.currency() == null ? NO_CURRENCY : t.currency();
      BigDecimal amount = t.value() == null ? BigDecimal.ZERO : t.value().abs();
      if (!purchase && amount.signum() == 0) {
        continue; // a refund of nothing changes nothing
      }
      Change change = new Change(t.customerId(), currency, purchase ? 1 : 0, purchase ? amount : amount.negate());
      changes.merge(List.of(t.customerId(), currency), change,
          (a, b) -> new Change(a.customerId(), a.currency(), a.purchases() + b.purchases(), a.net().add(b.net())));
    }
    return changes;
  }

  /** On PostgreSQL: one statement from arrays, whatever the batch. */
  static void addOnPostgres(Connection c, List<Decided> decided) throws SQLException {
    Map<List<String>, Change> changes = changes(decided);
    if (changes.isEmpty()) {
      return;
    }
    int n = changes.size();
    String[] ids = new String[n];
    String[] currencies = new String[n];
    Integer[] purchases = new Integer[n];
    BigDecimal[] nets = new BigDecimal[n];
    int i = 0;
    for (Change ch : changes.values()) {
      ids[i] = ch.customerId();
      currencies[i] = ch.currency();
      purchases[i] = ch.purchases();
      nets[i++] = ch.net();
    }
    try (PreparedStatement ps = c.prepareStatement(POSTGRES)) {
      ps.setArray(1, c.createArrayOf("text", ids));
      ps.setArray(2, c.createArrayOf("text", currencies));
      ps.setArray(3, c.createArrayOf("integer", purchases));
      ps.setArray(4, c.createArrayOf("numeric", nets));
      ps.executeUpdate();
    }
  }

  /** Elsewhere (H2): a standard MERGE per customer and currency, in one batch. */
  static void addByMerge(Connection c, List<Decided> decided) throws SQLException {
    Map<List<String>, Change> changes = changes(decided);
    if (changes.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(STANDARD)) {
      for (Change ch : changes.values()) {
        ps.setString(1, ch.customerId());
        ps.setString(2, ch.currency());
        ps.setInt(3, ch.purchases());
        ps.setBigDecimal(4, ch.net());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
