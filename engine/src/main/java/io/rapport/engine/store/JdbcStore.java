package io.rapport.engine.store;

import com.zaxxer.hikari.HikariDataSource;
import io.rapport.rules.ActionRequest;
import io.rapport.rules.Customer;
import io.rapport.rules.TimerRequest;
import io.rapport.rules.Transition;
import io.rapport.rules.Touchpoint;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/** The store on JDBC: PostgreSQL in production, H2 embedded. All SQL is parameterised. */
public final class JdbcStore implements Store {
  private static final String CUSTOMER_COLUMNS =
      "id, stage, stage_since, orders, revenue, last_purchase_at, last_activity_at, last_nps,"
          + " complaints, attributes, version";
  /** What the outbox relay reads of an action. */
  static final String ACTION_COLUMNS =
      "id, idempotency_key, customer_id, channel, template, payload, rule, touchpoint_id, attempts";
  /** The action type of everything journey.send() asks for. */
  static final String SEND = "send";

  private final HikariDataSource pool;
  private final Dialect dialect;
  private final String insertTouchpoint;
  private final String insertCustomer;
  private final String updateCustomer;
  private final String insertAction;
  private final String insertTimer;

  JdbcStore(HikariDataSource pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
    String json = dialect.jsonParameter;
    this.insertTouchpoint =
        "INSERT INTO touchpoints (id, customer_id, type, channel, occurred_at, amount, currency,"
            + " properties, received_at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, " + json + ", ?, ?)"
            + " ON CONFLICT DO NOTHING";
    this.insertCustomer =
        "INSERT INTO customers (" + CUSTOMER_COLUMNS + ", created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, " + json + ", ?, ?, ?)";
    this.updateCustomer =
        "UPDATE customers SET stage = ?, stage_since = ?, orders = ?, revenue = ?,"
            + " last_purchase_at = ?, last_activity_at = ?, last_nps = ?, complaints = ?,"
            + " attributes = " + json + ", version = ?, updated_at = ? WHERE id = ? AND version = ?";
    this.insertAction =
        "INSERT INTO actions (idempotency_key, customer_id, type, channel, template, payload, rule,"
            + " touchpoint_id, status, attempts, next_attempt_at, last_error, created_at)"
            + " VALUES (?, ?, ?, ?, ?, " + json + ", ?, ?, ?, 0, ?, ?, ?) ON CONFLICT DO NOTHING";
    this.insertTimer =
        "INSERT INTO timers (customer_id, name, due_at, payload, rule, touchpoint_id)"
            + " VALUES (?, ?, ?, " + json + ", ?, ?)";
  }

  /** The pool, for health checks and tools that read the store directly. */
  public DataSource dataSource() {
    return pool;
  }

  public boolean isPostgres() {
    return dialect == Dialect.POSTGRESQL;
  }

  /** PostgreSQL's COPY fails on a stored id; H2's insert skips it, so H2 needs the lookup. */
  @Override
  public boolean refusesStoredTouchpoints() {
    return isPostgres();
  }

  @Override
  public Set<String> knownTouchpoints(Collection<String> ids) {
    Set<String> known = new HashSet<>();
    if (ids.isEmpty()) {
      return known;
    }
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id FROM touchpoints WHERE id = ANY(?)")) {
      ps.setArray(1, textArray(c, ids));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          known.add(rs.getString(1));
        }
      }
      return known;
    } catch (SQLException e) {
      throw failure("cannot look up touchpoints", e);
    }
  }

  @Override
  public Map<String, Customer> customers(Collection<String> ids) {
    Map<String, Customer> found = new HashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT " + CUSTOMER_COLUMNS + " FROM customers WHERE id = ANY(?)")) {
      ps.setArray(1, textArray(c, ids));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Customer customer = customer(rs);
          found.put(customer.getId(), customer);
        }
      }
      return found;
    } catch (SQLException e) {
      throw failure("cannot read customers", e);
    }
  }

  @Override
  public Optional<Customer> customer(String id) {
    return Optional.ofNullable(customers(List.of(id)).get(id));
  }

  /** 30.00 as 30, not as 3E+1: JSON writes a BigDecimal as its toString. */
  private static BigDecimal amount(BigDecimal stored) {
    BigDecimal v = stored.stripTrailingZeros();
    return v.scale() < 0 ? v.setScale(0) : v;
  }

  private static Customer customer(ResultSet rs) throws SQLException {
    int lastNps = rs.getInt(8);
    Integer nps = rs.wasNull() ? null : lastNps;
    return new Customer(
        rs.getString(1),
        rs.getString(2),
        instant(rs, 3),
        rs.getInt(4),
        amount(rs.getBigDecimal(5)),
        instant(rs, 6),
        instant(rs, 7),
        nps,
        rs.getInt(9),
        new JsonObject(rs.getString(10)).getMap(),
        rs.getLong(11));
  }

  @Override
  public List<OutboxAction> write(WriteBatch batch) {
    String what = "cannot write " + batch.decided().size() + " touchpoints";
    if (dialect == Dialect.POSTGRESQL) {
      try {
        return inTransaction(what, c -> postgresWrite(c, batch, false));
      } catch (ActionAlreadyStored e) {
        return inTransaction(what, c -> postgresWrite(c, batch, true));
      }
    }
    OffsetDateTime now = ts(batch.receivedAt());
    return inTransaction(what, c -> {
      writeTouchpoints(c, batch, now);
      writeCustomers(c, batch.customers(), now);
      writeTransitions(c, batch, now);
      writeActions(c, batch, now);
      writeTimers(c, batch);
      return List.<OutboxAction>of(); // H2: the relay's poll claims them
    });
  }

  private static List<OutboxAction> postgresWrite(Connection c, WriteBatch batch, boolean toleratingStoredActions)
      throws SQLException {
    try {
      return PostgresGroupCommit.write(c, batch, toleratingStoredActions);
    } catch (SQLException e) {
      // both rolled back like any failure
      if (PostgresGroupCommit.isStoredTouchpoint(e)) {
        throw new TouchpointAlreadyStored(e.getMessage(), e);
      }
      if (PostgresGroupCommit.isStoredAction(e)) {
        throw new ActionAlreadyStored(e);
      }
      throw e;
    }
  }

  /** The plain write met an action key already stored: the batch goes again with the tolerant one. */
  private static final class ActionAlreadyStored extends RuntimeException {
    ActionAlreadyStored(SQLException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private void writeTouchpoints(Connection c, WriteBatch batch, OffsetDateTime now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insertTouchpoint)) {
      for (Decided d : batch.decided()) {
        Touchpoint t = d.touchpoint();
        ps.setString(1, t.id());
        ps.setString(2, t.customerId());
        ps.setString(3, t.type());
        ps.setString(4, t.channel());
        ps.setObject(5, ts(t.occurredAt()));
        ps.setBigDecimal(6, t.value());
        ps.setString(7, t.currency());
        ps.setString(8, t.properties().isEmpty() ? null : new JsonObject(t.properties()).encode());
        ps.setObject(9, now);
        ps.setString(10, d.outcome());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void writeCustomers(Connection c, List<Customer> customers, OffsetDateTime now) throws SQLException {
    List<Customer> updates = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(insertCustomer)) {
      boolean any = false;
      for (Customer cu : customers) {
        if (cu.getVersion() != 0) {
          updates.add(cu);
          continue;
        }
        ps.setString(1, cu.getId());
        bindState(ps, 2, cu);
        ps.setLong(11, 1);
        ps.setObject(12, now);
        ps.setObject(13, now);
        ps.addBatch();
        any = true;
      }
      if (any) {
        ps.executeBatch();
      }
    }
    if (updates.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(updateCustomer)) {
      for (Customer cu : updates) {
        int i = bindState(ps, 1, cu);
        ps.setLong(i, cu.getVersion() + 1);
        ps.setObject(i + 1, now);
        ps.setString(i + 2, cu.getId());
        ps.setLong(i + 3, cu.getVersion());
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 0) {
          throw new StoreException(
              "customer " + updates.get(i).getId() + " was changed by someone else", null, true);
        }
      }
    }
  }

  /** Binds stage .. attributes from {@code first}; returns the next parameter index. */
  private static int bindState(PreparedStatement ps, int first, Customer cu) throws SQLException {
    int i = first;
    ps.setString(i++, cu.getStage());
    ps.setObject(i++, ts(cu.getStageSince()));
    ps.setInt(i++, cu.getOrders());
    ps.setBigDecimal(i++, cu.getRevenue());
    ps.setObject(i++, ts(cu.getLastPurchaseAt()));
    ps.setObject(i++, ts(cu.getLastActivityAt()));
    if (cu.getLastNps() == null) {
      ps.setNull(i++, Types.INTEGER);
    } else {
      ps.setInt(i++, cu.getLastNps());
    }
    ps.setInt(i++, cu.getComplaints());
    ps.setString(i++, new JsonObject(cu.getAttributes()).encode());
    return i;
  }

  private static void writeTransitions(Connection c, WriteBatch batch, OffsetDateTime now) throws SQLException {
    boolean any = false;
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO stage_transitions (customer_id, from_stage, to_stage, rule, reason,"
                + " touchpoint_id, at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Decided d : batch.decided()) {
        for (Transition t : d.decision().transitions()) {
          ps.setString(1, t.customerId());
          ps.setString(2, t.from());
          ps.setString(3, t.to());
          ps.setString(4, t.rule());
          ps.setString(5, t.reason());
          ps.setString(6, t.touchpointId());
          ps.setObject(7, ts(t.at()));
          ps.setObject(8, now);
          ps.addBatch();
          any = true;
        }
      }
      if (any) {
        ps.executeBatch();
      }
    }
  }

  private void writeActions(Connection c, WriteBatch batch, OffsetDateTime now) throws SQLException {
    boolean any = false;
    try (PreparedStatement ps = c.prepareStatement(insertAction)) {
      for (Decided d : batch.decided()) {
        for (ActionRequest a : d.decision().actions()) {
          ps.setString(1, a.idempotencyKey());
          ps.setString(2, a.customerId());
          ps.setString(3, SEND);
          ps.setString(4, a.channel());
          ps.setString(5, a.template());
          ps.setString(6, new JsonObject(a.params()).encode());
          ps.setString(7, a.rule());
          ps.setString(8, a.touchpointId());
          ps.setString(9, a.suppressed() ? "suppressed" : "pending");
          ps.setObject(10, now);
          ps.setString(11, a.suppressedBecause());
          ps.setObject(12, now);
          ps.addBatch();
          any = true;
        }
      }
      if (any) {
        ps.executeBatch();
      }
    }
  }

  /**
   * Fired timers are removed, then the decisions' timer requests applied: a schedule replaces a
   * pending timer of the same name, a cancel removes it, and within a batch the last request
   * for a name wins. Three batched statements, whatever the batch size.
   */
  private void writeTimers(Connection c, WriteBatch batch) throws SQLException {
    List<Touchpoint> fired = batch.firedTimers();
    Collection<TimerRequest> last = batch.lastTimerRequests();
    if (!fired.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM timers WHERE customer_id = ? AND name = ? AND due_at = ? AND postponed_to IS NULL")) {
        for (Touchpoint t : fired) {
          ps.setString(1, t.customerId());
          ps.setString(2, t.text("name"));
          ps.setObject(3, ts(t.occurredAt()));
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    if (last.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM timers WHERE customer_id = ? AND name = ?")) {
      for (TimerRequest r : last) {
        ps.setString(1, r.customerId());
        ps.setString(2, r.name());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    boolean any = false;
    try (PreparedStatement ps = c.prepareStatement(insertTimer)) {
      for (TimerRequest r : last) {
        if (r.cancels()) {
          continue;
        }
        ps.setString(1, r.customerId());
        ps.setString(2, r.name());
        ps.setObject(3, ts(r.dueAt()));
        ps.setString(4, new JsonObject(r.payload()).encode());
        ps.setString(5, r.rule());
        ps.setString(6, r.touchpointId());
        ps.addBatch();
        any = true;
      }
      if (any) {
        ps.executeBatch();
      }
    }
  }

  @Override
  public CustomerJourney journey(String customerId) {
    try (Connection c = pool.getConnection()) {
      List<Transition> transitions = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT from_stage, to_stage, rule, reason, touchpoint_id, at FROM stage_transitions"
                  + " WHERE customer_id = ? ORDER BY id")) {
        ps.setString(1, customerId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            transitions.add(
                new Transition(customerId, rs.getString(1), rs.getString(2), rs.getString(3),
                    rs.getString(4), rs.getString(5), instant(rs, 6)));
          }
        }
      }
      List<CustomerJourney.ActionRecord> actions = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, idempotency_key, channel, template, payload, rule, touchpoint_id, status,"
                  + " attempts, last_error, created_at, sent_at FROM actions WHERE customer_id = ?"
                  + " ORDER BY id")) {
        ps.setString(1, customerId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            actions.add(
                new CustomerJourney.ActionRecord(
                    rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    new JsonObject(rs.getString(5)).getMap(), rs.getString(6), rs.getString(7),
                    rs.getString(8), rs.getInt(9), rs.getString(10), instant(rs, 11),
                    instant(rs, 12)));
          }
        }
      }
      return new CustomerJourney(customerId, transitions, actions);
    } catch (SQLException e) {
      throw failure("cannot read the journey of a customer", e);
    }
  }

  /**
   * On PostgreSQL 14 and later, cuts each table by its pages as it stands: a slice is then read by a TID range scan
   * of its pages alone. Elsewhere (H2, older PostgreSQL, where a slice would scan the whole table) each table is one
   * slice.
   */
  @Override
  public List<CensusSlice> censusSlices(int pages) {
    if (pages < 1) {
      throw new IllegalArgumentException("a census slice holds at least one page, not " + pages);
    }
    List<CensusSlice> slices = new ArrayList<>();
    try (Connection c = pool.getConnection()) {
      boolean byPages = dialect == Dialect.POSTGRESQL && c.getMetaData().getDatabaseMajorVersion() >= 14;
      for (CensusSlice.Table table : CensusSlice.Table.values()) {
        long size = byPages ? pagesOf(c, table) : 0;
        long from = 0;
        for (; from + pages < size; from += pages) {
          slices.add(new CensusSlice(table, from, from + pages));
        }
        slices.add(new CensusSlice(table, from, CensusSlice.END));
      }
      return slices;
    } catch (SQLException e) {
      throw failure("cannot size the tables to count", e);
    }
  }

  /** The table's heap pages on PostgreSQL, as it stands. */
  private static long pagesOf(Connection c, CensusSlice.Table table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_relation_size(?::regclass) / current_setting('block_size')::bigint")) {
      ps.setString(1, table.sqlName);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Override
  public Census census(CensusSlice slice) {
    boolean stages = slice.table() == CensusSlice.Table.CUSTOMERS;
    String where = slice.isWhole() ? "" : " WHERE ctid >= ?::tid" + (slice.runsToEnd() ? "" : " AND ctid < ?::tid");
    String sql = stages
        ? "SELECT stage, count(*) FROM customers" + where + " GROUP BY stage"
        : "SELECT count(*) FROM timers" + where;
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      if (!slice.isWhole()) {
        ps.setString(1, "(" + slice.fromPage() + ",0)");
        if (!slice.runsToEnd()) {
          ps.setString(2, "(" + slice.untilPage() + ",0)");
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!stages) {
          rs.next();
          return Census.ofTimers(rs.getLong(1));
        }
        Map<String, Long> counts = new TreeMap<>();
        while (rs.next()) {
          counts.put(rs.getString(1), rs.getLong(2));
        }
        return Census.ofStages(counts);
      }
    } catch (SQLException e) {
      throw failure("cannot count " + slice.table().sqlName, e);
    }
  }

  @Override
  public List<OutboxAction> claimDueActions(Instant now, int limit, Duration lease) {
    if (dialect == Dialect.POSTGRESQL) {
      return inTransaction("cannot claim due actions", c -> PostgresOutbox.claim(c, now, limit, lease));
    }
    return inTransaction("cannot claim due actions", c -> {
      List<OutboxAction> claimed = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT " + ACTION_COLUMNS + " FROM actions WHERE status = 'pending' AND"
                  + " next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)"
                  + " ORDER BY next_attempt_at, id LIMIT ?" + dialect.lockForClaim)) {
        ps.setObject(1, ts(now));
        ps.setObject(2, ts(now));
        ps.setInt(3, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            claimed.add(action(rs));
          }
        }
      }
      if (!claimed.isEmpty()) {
        try (PreparedStatement ps =
            c.prepareStatement("UPDATE actions SET claimed_until = ? WHERE id = ?")) {
          for (OutboxAction a : claimed) {
            ps.setObject(1, ts(now.plus(lease)));
            ps.setLong(2, a.id());
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      return claimed;
    });
  }

  static OutboxAction action(ResultSet rs) throws SQLException {
    return new OutboxAction(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        new JsonObject(rs.getString(6)).getMap(), rs.getString(7), rs.getString(8), rs.getInt(9));
  }

  @Override
  public void recordDeliveries(List<Delivery> deliveries) {
    if (deliveries.isEmpty()) {
      return;
    }
    inTransaction("cannot record deliveries", c -> {
      if (dialect == Dialect.POSTGRESQL) {
        PostgresOutbox.record(c, deliveries);
        return null;
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE actions SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, sent_at = ?,"
              + " claimed_until = NULL WHERE id = ?")) {
        for (Delivery d : deliveries) {
          ps.setString(1, d.status().column());
          ps.setInt(2, d.attempts());
          ps.setObject(3, ts(d.nextAttemptAt() == null ? d.at() : d.nextAttemptAt()));
          ps.setString(4, d.error() == null ? null : truncate(d.error(), 1000));
          ps.setObject(5, d.status() == Delivery.Status.SENT ? ts(d.at()) : null);
          ps.setLong(6, d.actionId());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  /**
   * A timer whose due_at has come but that was postponed since (postponed_to) is not fired: it
   * moves to its new time, and is claimed too if that has come as well.
   */
  @Override
  public ClaimedTimers claimDueTimers(Instant now, int limit, Duration lease) {
    return inTransaction("cannot claim due timers", c -> {
      List<DueTimer> due = new ArrayList<>();
      List<DueTimer> postponed = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT customer_id, name, due_at, payload, postponed_to FROM timers WHERE due_at <= ?"
              + " AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY due_at LIMIT ?" + dialect.lockForClaim)) {
        ps.setObject(1, ts(now));
        ps.setObject(2, ts(now));
        ps.setInt(3, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Instant postponedTo = instant(rs, 5);
            DueTimer t = new DueTimer(rs.getString(1), rs.getString(2), postponedTo == null ? instant(rs, 3) : postponedTo,
                new JsonObject(rs.getString(4)).getMap());
            (postponedTo == null ? due : postponed).add(t);
          }
        }
      }
      OffsetDateTime until = ts(now.plus(lease));
      List<DueTimer> claimed = new ArrayList<>(due);
      int movedOn = 0;
      if (!postponed.isEmpty()) {
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE timers SET due_at = ?, postponed_to = NULL, claimed_until = ? WHERE customer_id = ? AND name = ?")) {
          for (DueTimer t : postponed) {
            boolean dueToo = !t.dueAt().isAfter(now);
            if (dueToo) {
              claimed.add(t);
            } else {
              movedOn++;
            }
            ps.setObject(1, ts(t.dueAt()));
            ps.setObject(2, dueToo ? until : null);
            ps.setString(3, t.customerId());
            ps.setString(4, t.name());
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      if (!due.isEmpty()) {
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE timers SET claimed_until = ? WHERE customer_id = ? AND name = ? AND due_at = ?")) {
          for (DueTimer t : due) {
            ps.setObject(1, until);
            ps.setString(2, t.customerId());
            ps.setString(3, t.name());
            ps.setObject(4, ts(t.dueAt()));
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      return new ClaimedTimers(claimed, movedOn);
    });
  }

  @Override
  public void touchpointsBetween(Instant from, Instant until, java.util.function.Consumer<Touchpoint> sink) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false); // PostgreSQL streams rows with a fetch size only inside a transaction
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id, customer_id, type, occurred_at, channel, amount, currency, properties FROM touchpoints"
              + " WHERE occurred_at >= ? AND occurred_at <= ? AND type <> 'timer' ORDER BY occurred_at, received_at, id")) {
        ps.setFetchSize(5_000);
        ps.setObject(1, ts(from));
        ps.setObject(2, ts(until));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String properties = rs.getString(8);
            sink.accept(new Touchpoint(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4), rs.getString(5),
                rs.getBigDecimal(6), rs.getString(7), properties == null ? Map.of() : new JsonObject(properties).getMap()));
          }
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("cannot read touchpoints", e);
    }
  }

  @Override
  public List<RuleVersion> ruleVersions() {
    return readRuleVersions("SELECT version, files, checksum, activated_at, activated_by, note FROM rule_versions ORDER BY version");
  }

  @Override
  public Optional<RuleVersion> activeRules() {
    List<RuleVersion> latest = readRuleVersions(
        "SELECT version, files, checksum, activated_at, activated_by, note FROM rule_versions ORDER BY version DESC LIMIT 1");
    return latest.stream().findFirst();
  }

  private List<RuleVersion> readRuleVersions(String sql) {
    List<RuleVersion> versions = new ArrayList<>();
    try (Connection c = pool.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        Map<String, String> files = new TreeMap<>();
        new JsonObject(rs.getString(2)).forEach(e -> files.put(e.getKey(), String.valueOf(e.getValue())));
        versions.add(RuleVersion.of(rs.getInt(1), files, rs.getString(3), instant(rs, 4), rs.getString(5), rs.getString(6)));
      }
      return versions;
    } catch (SQLException e) {
      throw failure("cannot read rule versions", e);
    }
  }

  @Override
  public RuleVersion saveRules(Map<String, String> files, String checksum, Instant at, String activatedBy, String note) {
    return inTransaction("cannot store the rules", c -> {
      int next;
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) + 1 FROM rule_versions")) {
        rs.next();
        next = rs.getInt(1);
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO rule_versions (version, files, checksum, activated_at, activated_by, note) VALUES (?, "
              + dialect.jsonParameter + ", ?, ?, ?, ?)")) {
        ps.setInt(1, next);
        ps.setString(2, new JsonObject(new TreeMap<String, Object>(files)).encode());
        ps.setString(3, checksum);
        ps.setObject(4, ts(at));
        ps.setString(5, activatedBy);
        ps.setString(6, note == null ? null : truncate(note, 500));
        ps.executeUpdate();
      }
      return RuleVersion.of(next, files, checksum, at, activatedBy, note);
    });
  }

  @Override
  public boolean reachable() {
    try (Connection c = pool.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  /** Work on one connection inside a transaction. */
  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  private <T> T inTransaction(String what, SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private static Array textArray(Connection c, Collection<String> ids) throws SQLException {
    return c.createArrayOf("varchar", ids.toArray(new String[0]));
  }

  static OffsetDateTime ts(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  /** Connection trouble and serialization conflicts are worth retrying; bad data is not. */
  private static StoreException failure(String what, SQLException e) {
    boolean retriable = true;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLIntegrityConstraintViolationException) {
        retriable = false;
      }
      if (t instanceof SQLTransientException || t instanceof SQLNonTransientConnectionException) {
        retriable = true;
        break;
      }
      String state = t instanceof SQLException s ? s.getSQLState() : null;
      if (state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("42"))) {
        retriable = false;
      }
    }
    return new StoreException(what + ": " + e.getMessage(), e, retriable);
  }

}
