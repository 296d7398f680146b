package io.rapport.engine.store.jdbc;

import io.rapport.engine.store.Decided;
import io.rapport.engine.store.OutboxAction;
import io.rapport.engine.store.StoreException;
import io.rapport.engine.store.WriteBatch;

import io.rapport.rules.ActionRequest;
import io.rapport.rules.Customer;
import io.rapport.rules.TimerRequest;
import io.rapport.rules.Touchpoint;
import io.rapport.rules.Transition;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;

/**
 * One group commit on PostgreSQL in two round trips, whatever the batch size: COPY for the
 * touchpoints, then one statement whose data-modifying WITH clauses write customers,
 * transitions, actions and timers from {@code unnest}ed arrays. Per-row statements cost an
 * executor start and a round trip each; on a busy two-core machine every round trip waits for
 * a core, and that wait, not the work, set the latency of a commit. Values travel as text arrays
 * and are cast in SQL.
 */
final class PostgresGroupCommit {
  private static final String CUSTOMER_ARRAYS =
      "unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
          + " ?::text[], ?::text[]) AS u(id, stage, stage_since, orders, revenue, last_purchase_at, last_activity_at,"
          + " last_nps, complaints, attributes, version)";
  // All clauses see the same snapshot, so none may touch a row another one touches: new and
  // stored customers are apart by version, and Java leaves out of the timer deletions every
  // name that the same batch schedules again.
  private static final String WRITE_TEMPLATE =
      "WITH new_customers AS (INSERT INTO customers (id, stage, stage_since, orders, revenue, last_purchase_at,"
          + " last_activity_at, last_nps, complaints, attributes, version, created_at, updated_at)"
          + " SELECT id, stage, stage_since::timestamptz, orders::int, revenue::numeric, last_purchase_at::timestamptz,"
          + " last_activity_at::timestamptz, last_nps::int, complaints::int, attributes::jsonb, 1, ?::timestamptz,"
          + " ?::timestamptz FROM " + CUSTOMER_ARRAYS + "),"
          + " updated_customers AS (UPDATE customers AS c SET stage = u.stage, stage_since = u.stage_since::timestamptz,"
          + " orders = u.orders::int, revenue = u.revenue::numeric, last_purchase_at = u.last_purchase_at::timestamptz,"
          + " last_activity_at = u.last_activity_at::timestamptz, last_nps = u.last_nps::int,"
          + " complaints = u.complaints::int, attributes = u.attributes::jsonb, version = u.version::bigint + 1,"
          + " updated_at = ?::timestamptz FROM " + CUSTOMER_ARRAYS
          + " WHERE c.id = u.id AND c.version = u.version::bigint RETURNING c.id),"
          + " new_transitions AS (INSERT INTO stage_transitions (customer_id, from_stage, to_stage, rule, reason,"
          + " touchpoint_id, at, recorded_at) SELECT customer_id, from_stage, to_stage, rule, reason, touchpoint_id,"
          + " at::timestamptz, ?::timestamptz"
          + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
          + " AS u(customer_id, from_stage, to_stage, rule, reason, touchpoint_id, at)),"
          + " new_actions AS (INSERT INTO actions (idempotency_key, customer_id, type, channel, template, payload, rule,"
          + " touchpoint_id, status, attempts, next_attempt_at, reason, created_at, claimed_until, transactional,"
          + " event_at)"
          + " SELECT idempotency_key, customer_id, '" + OutboxTable.SEND + "', channel, template, payload::jsonb, rule,"
          + " touchpoint_id, CASE WHEN suppressed IS NULL THEN 'pending' ELSE 'suppressed' END, 0, ?::timestamptz,"
          + " suppressed, ?::timestamptz, CASE WHEN suppressed IS NULL THEN ?::timestamptz END,"
          + " transactional::boolean, event_at::timestamptz"
          + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
          + " ?::text[], ?::text[]) AS u(idempotency_key, customer_id, channel, template, payload, rule, touchpoint_id,"
          + " suppressed, transactional, event_at)"
          + " %s RETURNING id, idempotency_key, status),"
          // a fired timer goes only if it is still the one that fired (due_at, not postponed since);
          // a cancel, whatever is pending
          + " gone_timers AS (DELETE FROM timers AS t USING unnest(?::text[], ?::text[], ?::text[])"
          + " AS u(customer_id, name, due_at) WHERE t.customer_id = u.customer_id AND t.name = u.name"
          + " AND (u.due_at IS NULL OR (t.due_at = u.due_at::timestamptz AND t.postponed_to IS NULL))),"
          // scheduling a name replaces that customer's pending timer of the name, and any claim on it.
          // A later time only notes postponed_to and leaves the indexed due_at be, so the update
          // stays on its page (see V6); the claim moves the timer on when due_at comes.
          + " set_timers AS (INSERT INTO timers AS t (customer_id, name, due_at, payload, rule, touchpoint_id)"
          + " SELECT customer_id, name, due_at::timestamptz, payload::jsonb, rule, touchpoint_id"
          + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
          + " AS u(customer_id, name, due_at, payload, rule, touchpoint_id)"
          + " ON CONFLICT (customer_id, name) DO UPDATE SET due_at = LEAST(t.due_at, EXCLUDED.due_at),"
          + " postponed_to = CASE WHEN EXCLUDED.due_at > t.due_at THEN EXCLUDED.due_at END,"
          + " payload = EXCLUDED.payload, rule = EXCLUDED.rule, touchpoint_id = EXCLUDED.touchpoint_id,"
          + " claimed_until = NULL)"
          + " SELECT 'customer', id, NULL, NULL FROM updated_customers"
          + " UNION ALL SELECT 'action', id::text, idempotency_key, status FROM new_actions";
  // An action's key is its touchpoint's id and a sequence, and the COPY of this very batch fails
  // on a stored touchpoint id: its actions cannot be stored yet. A plain insert skips the
  // speculative insertion ON CONFLICT costs on every row; the tolerant statement is for a key
  // stored all the same (an action kept after its touchpoint was deleted).
  private static final String WRITE = WRITE_TEMPLATE.formatted("");
  private static final String WRITE_TOLERATING_STORED_ACTIONS = WRITE_TEMPLATE.formatted("ON CONFLICT DO NOTHING");

  private static final String UNIQUE_VIOLATION = "23505";
  private static final String TOUCHPOINTS_KEY = "touchpoints_pkey";
  private static final String ACTIONS_KEY = "actions_idempotency_key_key";

  private PostgresGroupCommit() {}

  /**
   * Writes the batch; returns its new pending actions, claimed until {@code batch.claimUntil()}
   * if set. Unless {@code toleratingStoredActions}, an action key already stored fails the write
   * (see {@link #isStoredAction}).
   */
  static List<OutboxAction> write(Connection c, WriteBatch batch, boolean toleratingStoredActions) throws SQLException {
    String now = IsoText.of(batch.receivedAt());
    copyTouchpoints(c, batch, now);
    Columns created = new Columns(11, batch.customers().size());
    Columns updated = new Columns(11, batch.customers().size());
    for (Customer cu : batch.customers()) {
      (cu.getVersion() == 0 ? created : updated).row(cu.getId(), cu.getStage(), IsoText.of(cu.getStageSince()),
          String.valueOf(cu.getOrders()), cu.getRevenue().toPlainString(), IsoText.of(cu.getLastPurchaseAt()),
          IsoText.of(cu.getLastActivityAt()), cu.getLastNps() == null ? null : String.valueOf(cu.getLastNps()),
          String.valueOf(cu.getComplaints()), json(cu.getAttributes()),
          String.valueOf(cu.getVersion()));
    }
    Columns transitions = new Columns(7, 16);
    Columns actions = new Columns(10, 16);
    Map<String, ActionRequest> actionsByKey = new HashMap<>();
    Map<String, java.time.Instant> actionEventAt = new HashMap<>();
    for (Decided d : batch.decided()) {
      for (Transition t : d.decision().transitions()) {
        transitions.row(t.customerId(), t.from(), t.to(), t.rule(), t.reason(), t.touchpointId(), IsoText.of(t.at()));
      }
      for (ActionRequest a : d.decision().actions()) {
        actionsByKey.put(a.idempotencyKey(), a);
        actionEventAt.put(a.idempotencyKey(), d.touchpoint().occurredAt());
        actions.row(a.idempotencyKey(), a.customerId(), a.channel(), a.template(), json(a.params()),
            a.rule(), a.touchpointId(), d.suppressedBecause(a), String.valueOf(a.transactional()),
            IsoText.of(d.touchpoint().occurredAt()));
      }
    }
    Columns gone = new Columns(3, 16);
    Columns set = new Columns(6, 16);
    timers(batch, gone, set);

    String claimUntil = IsoText.of(batch.claimUntil());
    Set<String> written = new HashSet<>();
    List<OutboxAction> claimed = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(toleratingStoredActions ? WRITE_TOLERATING_STORED_ACTIONS : WRITE)) {
      int i = 1;
      ps.setString(i++, now);
      ps.setString(i++, now);
      i = created.bind(c, ps, i);
      ps.setString(i++, now);
      i = updated.bind(c, ps, i);
      ps.setString(i++, now);
      i = transitions.bind(c, ps, i);
      ps.setString(i++, now);
      ps.setString(i++, now);
      ps.setString(i++, claimUntil);
      i = actions.bind(c, ps, i);
      i = gone.bind(c, ps, i);
      set.bind(c, ps, i);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if ("customer".equals(rs.getString(1))) {
            written.add(rs.getString(2));
          } else if (claimUntil != null && "pending".equals(rs.getString(4))) {
            ActionRequest a = actionsByKey.get(rs.getString(3));
            claimed.add(new OutboxAction(Long.parseLong(rs.getString(2)), a.idempotencyKey(), a.customerId(),
                a.channel(), a.template(), a.params(), a.rule(), a.touchpointId(), 0, a.transactional(),
                actionEventAt.get(a.idempotencyKey())));
          }
        }
      }
    }
    if (written.size() != updated.size()) {
      for (Customer cu : batch.customers()) {
        if (cu.getVersion() != 0 && !written.contains(cu.getId())) {
          throw new StoreException("customer " + cu.getId() + " was changed by someone else", null, true);
        }
      }
    }
    claimed.sort(Comparator.comparingLong(OutboxAction::id));
    return claimed;
  }

  /** The batch's timer changes (see {@link TimerChanges}) as the statement's columns. */
  private static void timers(WriteBatch batch, Columns gone, Columns set) {
    TimerChanges changes = TimerChanges.of(batch);
    for (TimerChanges.Gone g : changes.gone()) {
      gone.row(g.customerId(), g.name(), IsoText.of(g.dueAt()));
    }
    for (TimerRequest r : changes.set()) {
      set.row(r.customerId(), r.name(), IsoText.of(r.dueAt()), json(r.payload()), r.rule(), r.touchpointId());
    }
  }

  /**
   * A stored id fails the COPY, and with it the transaction: see {@link #isStoredTouchpoint}.
   * Writers skip the lookup of stored ids until that happens, as it rarely does.
   */
  private static void copyTouchpoints(Connection c, WriteBatch batch, String now) throws SQLException {
    if (batch.decided().stream().allMatch(Decided::again)) {
      return; // none, or only touchpoints stored before and decided again
    }
    StringBuilder csv = new StringBuilder(batch.decided().size() * 160);
    for (Decided d : batch.decided()) {
      if (d.again()) {
        continue;
      }
      Touchpoint t = d.touchpoint();
      Csv.field(csv, t.id()).append(',');
      Csv.field(csv, t.customerId()).append(',');
      Csv.field(csv, t.type()).append(',');
      Csv.field(csv, t.channel()).append(',');
      IsoText.append(csv, t.occurredAt()).append(',');
      if (t.value() != null) {
        csv.append(t.value().toPlainString());
      }
      csv.append(',');
      Csv.field(csv, t.currency()).append(',');
      Csv.field(csv, t.properties().isEmpty() ? null : new JsonObject(t.properties()).encode()).append(',');
      csv.append(now).append(',').append(d.outcome()).append(',');
      Csv.field(csv, d.error()).append('\n');
    }
    copy(c, "COPY touchpoints (id, customer_id, type, channel, occurred_at, amount, currency, properties,"
        + " received_at, outcome, error) FROM STDIN WITH (FORMAT csv)", csv);
  }

  /** Whether the write failed on a touchpoint id that is already stored. */
  static boolean isStoredTouchpoint(SQLException e) {
    return violates(e, TOUCHPOINTS_KEY);
  }

  /** Whether the write failed on an action key that is already stored. */
  static boolean isStoredAction(SQLException e) {
    return violates(e, ACTIONS_KEY);
  }

  private static boolean violates(SQLException e, String constraint) {
    return e instanceof PSQLException p && UNIQUE_VIOLATION.equals(p.getSQLState())
        && p.getServerErrorMessage() != null && constraint.equals(p.getServerErrorMessage().getConstraint());
  }

  private static void copy(Connection c, String sql, StringBuilder csv) throws SQLException {
    try {
      c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new StringReader(csv.toString()));
    } catch (IOException e) {
      throw new SQLException("COPY failed: " + sql, e);
    }
  }

  /** Most customers have no attributes: "{}" without a JSON generator. */
  private static String json(Map<String, Object> map) {
    return map.isEmpty() ? "{}" : new JsonObject(map).encode();
  }

  /** Text columns filled row by row, bound as one {@code text[]} parameter each. */
  private static final class Columns {
    private final String[][] values;
    private int rows;

    Columns(int columns, int capacity) {
      values = new String[columns][Math.max(capacity, 1)];
    }

    void row(String... row) {
      if (rows == values[0].length) {
        for (int i = 0; i < values.length; i++) {
          values[i] = Arrays.copyOf(values[i], rows * 2);
        }
      }
      for (int i = 0; i < values.length; i++) {
        values[i][rows] = row[i];
      }
      rows++;
    }

    int size() {
      return rows;
    }

    /** Binds one array per column from parameter {@code first}; returns the next parameter index. */
    int bind(Connection c, PreparedStatement ps, int first) throws SQLException {
      for (int i = 0; i < values.length; i++) {
        String[] column = values[i].length == rows ? values[i] : Arrays.copyOf(values[i], rows);
        ps.setArray(first + i, c.createArrayOf("text", column));
      }
      return first + values.length;
    }
  }
}
