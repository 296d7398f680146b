package io.rapport.engine.store.jdbc;

import static io.rapport.engine.store.jdbc.Jdbc.instant;
import static io.rapport.engine.store.jdbc.Jdbc.ts;

import io.rapport.engine.store.ChannelFilter;
import io.rapport.engine.store.CustomerJourney;
import io.rapport.engine.store.Decided;
import io.rapport.engine.store.Delivery;
import io.rapport.engine.store.Guarded;
import io.rapport.engine.store.OutboxAction;
import io.rapport.engine.store.Store;
import io.rapport.rules.ActionRequest;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The actions table, the outbox: every action a rule asked for, with its delivery status. A pending action is due at
 * next_attempt_at; a claim (claimed_until) is a lease, so a relay that died gives its actions back by itself.
 */
final class OutboxTable {
  /** What the outbox relay reads of an action. */
  static final String COLUMNS =
      "id, idempotency_key, customer_id, channel, template, payload, rule, touchpoint_id, attempts, transactional,"
          + " event_at";
  /** The action type of everything journey.send() asks for. */
  static final String SEND = "send";

  private final String insert;

  OutboxTable(String jsonParameter) {
    this.insert = "INSERT INTO actions (idempotency_key, customer_id, type, channel, template, payload, rule,"
        + " touchpoint_id, status, attempts, next_attempt_at, reason, created_at, claimed_until, transactional,"
        + " event_at) VALUES (?, ?, ?, ?, ?, " + jsonParameter + ", ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT DO NOTHING";
  }

  static OutboxAction action(ResultSet rs) throws SQLException {
    return new OutboxAction(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        new JsonObject(rs.getString(6)).getMap(), rs.getString(7), rs.getString(8), rs.getInt(9), rs.getBoolean(10),
        instant(rs, 11));
  }

  /**
   * Stores the decisions' actions; a key stored before is left as it was. The new pending ones are claimed until
   * {@code claimUntil} when it is set, and returned in decision order.
   */
  List<OutboxAction> insert(Connection c, List<Decided> decided, OffsetDateTime now, Instant claimUntil)
      throws SQLException {
    List<ActionRequest> rows = new ArrayList<>();
    List<Boolean> pending = new ArrayList<>();
    int[] inserted;
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      for (Decided d : decided) {
        for (ActionRequest a : d.decision().actions()) {
          String suppressed = d.suppressedBecause(a);
          ps.setString(1, a.idempotencyKey());
          ps.setString(2, a.customerId());
          ps.setString(3, SEND);
          ps.setString(4, a.channel());
          ps.setString(5, a.template());
          ps.setString(6, new JsonObject(a.params()).encode());
          ps.setString(7, a.rule());
          ps.setString(8, a.touchpointId());
          ps.setString(9, suppressed != null ? "suppressed" : "pending");
          ps.setObject(10, now);
          ps.setString(11, suppressed);
          ps.setObject(12, now);
          ps.setObject(13, suppressed != null ? null : ts(claimUntil));
          ps.setBoolean(14, a.transactional());
          ps.setObject(15, ts(d.touchpoint().occurredAt()));
          ps.addBatch();
          rows.add(a);
          pending.add(suppressed == null);
        }
      }
      if (rows.isEmpty()) {
        return List.of();
      }
      inserted = ps.executeBatch();
    }
    // the pending rows this insert made (a key stored before inserts nothing), by their keys
    List<String> claimedKeys = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (inserted[i] > 0 && pending.get(i)) {
        claimedKeys.add(rows.get(i).idempotencyKey());
      }
    }
    if (claimUntil == null || claimedKeys.isEmpty()) {
      return List.of();
    }
    List<OutboxAction> claimed = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM actions WHERE idempotency_key = ANY(?)"
        + " ORDER BY id")) {
      ps.setArray(1, Jdbc.texts(c, claimedKeys));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          claimed.add(action(rs));
        }
      }
    }
    return claimed;
  }

  /** Claims up to {@code limit} due actions for {@code lease}, oldest first, locking them with {@code lock}. */
  List<OutboxAction> claimDue(Connection c, Instant now, int limit, Duration lease, ChannelFilter filter, String lock)
      throws SQLException {
    List<OutboxAction> claimed = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM actions WHERE status = 'pending' AND"
        + " next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)" + ActionsQueries.condition(filter)
        + " ORDER BY next_attempt_at, id LIMIT ?" + lock)) {
      int i = 1;
      ps.setObject(i++, ts(now));
      ps.setObject(i++, ts(now));
      if (!filter.admitsAll()) {
        ps.setArray(i++, Jdbc.texts(c, filter.channels()));
      }
      ps.setInt(i, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          claimed.add(action(rs));
        }
      }
    }
    if (!claimed.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE actions SET claimed_until = ? WHERE id = ?")) {
        for (OutboxAction a : claimed) {
          ps.setObject(1, ts(now.plus(lease)));
          ps.setLong(2, a.id());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    return claimed;
  }

  /** Records delivery results in one batched statement. */
  void record(Connection c, List<Delivery> deliveries) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE actions SET status = ?, attempts = ?, next_attempt_at = ?,"
        + " last_error = ?, sent_at = ?, claimed_until = NULL, reason = NULLIF(reason, '" + Store.HELD + "')"
        + " WHERE id = ?")) {
      for (Delivery d : deliveries) {
        ps.setString(1, d.status().column());
        ps.setInt(2, d.attempts());
        ps.setObject(3, ts(d.nextAttemptAt() == null ? d.at() : d.nextAttemptAt()));
        ps.setString(4, d.error() == null ? null : Jdbc.truncate(d.error(), 1000));
        ps.setObject(5, d.status() == Delivery.Status.SENT ? ts(d.at()) : null);
        ps.setLong(6, d.actionId());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * Records the guardrails' verdicts: a suppressed action is done with, a deferred one is due again at its time; both
   * give up their claim and keep their attempts.
   */
  void guarded(Connection c, List<Guarded> verdicts) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE actions SET status = ?, reason = ?,"
        + " next_attempt_at = COALESCE(?, next_attempt_at), claimed_until = NULL WHERE id = ? AND status = 'pending'")) {
      for (Guarded g : verdicts) {
        ps.setString(1, g.deferredUntil() == null ? "suppressed" : "pending");
        ps.setString(2, g.reason());
        ps.setObject(3, ts(g.deferredUntil()));
        ps.setLong(4, g.actionId());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * Marketing actions sent to each of these customers since {@code since}, by customer: what the frequency cap
   * counts. Served by the index of actions by customer.
   */
  java.util.Map<String, Integer> marketingSentSince(Connection c, java.util.Collection<String> customerIds,
      Instant since) throws SQLException {
    java.util.Map<String, Integer> sent = new java.util.HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT customer_id, count(*) FROM actions WHERE customer_id ="
        + " ANY(?) AND status = 'sent' AND transactional = false AND sent_at >= ? GROUP BY customer_id")) {
      ps.setArray(1, Jdbc.texts(c, List.copyOf(customerIds)));
      ps.setObject(2, ts(since));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sent.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    return sent;
  }

  /** A customer's actions, in the order they were decided. */
  List<CustomerJourney.ActionRecord> ofCustomer(Connection c, String customerId) throws SQLException {
    List<CustomerJourney.ActionRecord> actions = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id, idempotency_key, channel, template, payload, rule,"
        + " touchpoint_id, status, attempts, last_error, created_at, sent_at, reason, transactional, next_attempt_at"
        + " FROM actions WHERE customer_id = ?"
        + " ORDER BY id")) {
      ps.setString(1, customerId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          actions.add(new CustomerJourney.ActionRecord(rs.getLong(1), rs.getString(2), rs.getString(3),
              rs.getString(4), new JsonObject(rs.getString(5)).getMap(), rs.getString(6), rs.getString(7),
              rs.getString(8), rs.getInt(9), rs.getString(10), instant(rs, 11), instant(rs, 12), rs.getString(13),
              rs.getBoolean(14), instant(rs, 15)));
        }
      }
    }
    return actions;
  }
}
