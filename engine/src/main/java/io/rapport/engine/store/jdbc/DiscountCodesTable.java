package io.rapport.engine.store.jdbc;

import static io.rapport.engine.store.jdbc.Jdbc.ts;

import io.rapport.engine.store.Decided;
import io.rapport.rules.IssuedCode;
import io.rapport.rules.Touchpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;

/**
 * The discount codes rules issue, and their redemptions: a purchase carrying {@code properties.discountCode} redeems
 * its code once, within its expiry, for its own customer; every other use is recorded as refused, with why. Both are
 * written in the group commit of the decisions they come from, so a code exists exactly when its action does.
 */
final class DiscountCodesTable {
  /** The touchpoint property a purchase names its code in. */
  static final String PROPERTY = "discountCode";
  /** What became of a code a purchase carried. */
  static final String REDEEMED = "redeemed";
  static final String ALREADY_REDEEMED = "already-redeemed";
  static final String EXPIRED = "expired";
  static final String OTHER_CUSTOMER = "other-customer";
  static final String UNKNOWN = "unknown";
  private static final int MAX_CODE = 64;

  /** Stores the codes the decisions issued, each with the id of the action that carries it (null when none does). */
  void issue(Connection c, java.util.List<Decided> decided) throws SQLException {
    if (decided.stream().allMatch(d -> d.decision().codes().isEmpty())) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO discount_codes (code, customer_id, percent, rule,"
        + " template, action_id, issued_at, expires_at, status) VALUES (?, ?, ?, ?, ?,"
        + " (SELECT id FROM actions WHERE idempotency_key = ?), ?, ?, 'issued')")) {
      for (Decided d : decided) {
        for (IssuedCode code : d.decision().codes()) {
          ps.setString(1, code.code());
          ps.setString(2, code.customerId());
          ps.setInt(3, code.percent());
          ps.setString(4, Jdbc.truncate(code.rule(), 500));
          ps.setString(5, code.template() == null ? "" : code.template());
          ps.setString(6, code.actionKey());
          ps.setObject(7, ts(code.issuedAt()));
          ps.setObject(8, ts(code.expiresAt()));
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
  }

  /** Redeems the codes the batch's purchases carry, or records why not. A touchpoint decided again is left alone. */
  void redeem(Connection c, java.util.List<Decided> decided) throws SQLException {
    for (Decided d : decided) {
      Touchpoint t = d.touchpoint();
      if (d.again() || !"purchase".equals(t.type()) || !(t.properties().get(PROPERTY) instanceof String named)) {
        continue;
      }
      String code = named.trim().toUpperCase(Locale.ROOT);
      if (code.isEmpty() || code.length() > MAX_CODE) {
        continue;
      }
      record(c, t, code, redeem(c, t, code));
    }
  }

  private static String redeem(Connection c, Touchpoint t, String code) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE discount_codes SET status = 'redeemed', redeemed_at = ?,"
        + " redeemed_touchpoint_id = ?, redeemed_amount = ?, redeemed_currency = ? WHERE code = ? AND customer_id = ?"
        + " AND status = 'issued' AND expires_at > ?")) {
      ps.setObject(1, ts(t.occurredAt()));
      ps.setString(2, t.id());
      ps.setBigDecimal(3, t.value());
      ps.setString(4, t.currency());
      ps.setString(5, code);
      ps.setString(6, t.customerId());
      ps.setObject(7, ts(t.occurredAt()));
      if (ps.executeUpdate() == 1) {
        return REDEEMED;
      }
    }
    String owner;
    String status;
    Instant expiresAt;
    try (PreparedStatement ps = c.prepareStatement("SELECT customer_id, status, expires_at FROM discount_codes"
        + " WHERE code = ?")) {
      ps.setString(1, code);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return UNKNOWN;
        }
        owner = rs.getString(1);
        status = rs.getString(2);
        expiresAt = Jdbc.instant(rs, 3);
      }
    }
    if (!owner.equals(t.customerId()) || "erased".equals(status)) {
      return owner.equals(t.customerId()) ? UNKNOWN : OTHER_CUSTOMER;
    }
    if (REDEEMED.equals(status)) {
      return ALREADY_REDEEMED;
    }
    if (!expiresAt.isAfter(t.occurredAt())) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE discount_codes SET status = 'expired' WHERE code = ?"
          + " AND status = 'issued'")) {
        ps.setString(1, code);
        ps.executeUpdate();
      }
    }
    return EXPIRED;
  }

  private static void record(Connection c, Touchpoint t, String code, String outcome) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO code_redemptions (touchpoint_id, code, customer_id,"
        + " outcome, amount, currency, at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, t.id());
      ps.setString(2, code);
      ps.setString(3, t.customerId());
      ps.setString(4, outcome);
      ps.setBigDecimal(5, t.value());
      ps.setString(6, t.currency());
      ps.setObject(7, ts(t.occurredAt()));
      ps.executeUpdate();
    }
  }
}
