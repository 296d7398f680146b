package io.rapport.engine.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.rapport.engine.kpi.KpiStore;
import io.rapport.engine.store.Census;
import io.rapport.engine.store.ChannelFilter;
import io.rapport.engine.store.ConnectorPause;
import io.rapport.engine.store.ListedAction;
import io.rapport.engine.store.CensusSlice;
import io.rapport.engine.store.ClaimedTimers;
import io.rapport.engine.store.CustomerFilter;
import io.rapport.engine.store.CustomerJourney;
import io.rapport.engine.store.Decided;
import io.rapport.engine.store.Delivery;
import io.rapport.engine.store.Erasure;
import io.rapport.engine.store.Guarded;
import io.rapport.engine.store.Recipient;
import io.rapport.engine.store.OutboxAction;
import io.rapport.engine.store.RuleVersion;
import io.rapport.engine.store.Store;
import io.rapport.engine.store.StoreException;
import io.rapport.engine.store.StoredTouchpoint;
import io.rapport.engine.store.WriteBatch;
import io.rapport.rules.Customer;
import io.rapport.rules.Touchpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The store on JDBC, one table part per table. What differs between the databases (the group commit, claiming and
 * recording actions, cutting a census) is in one subclass per database, chosen once when the store opens ({@link
 * Database#open}). All SQL is parameterised.
 */
public abstract class JdbcStore implements Store {
  final Jdbc jdbc;
  final CustomersTable customers;
  final TouchpointsTable touchpoints;
  final TransitionsTable transitions;
  final OutboxTable outbox;
  final TimersTable timers;
  final RuleVersionsTable ruleVersions;
  final CensusQueries census;
  final ActionsQueries actions;
  final DiscountCodesTable codes = new DiscountCodesTable();
  final ErasuresTable erasures = new ErasuresTable();
  private final KpiQueries kpis;
  private final HikariDataSource pool;
  private final String lockForClaim;

  /**
   * @param jsonParameter how a statement passes a JSON value: a cast where the column is JSON
   * @param lockForClaim the locking clause of a claim's query
   */
  JdbcStore(HikariDataSource pool, String jsonParameter, String lockForClaim) {
    this.pool = pool;
    this.jdbc = new Jdbc(pool);
    this.lockForClaim = lockForClaim;
    this.customers = new CustomersTable(jdbc, jsonParameter);
    this.touchpoints = new TouchpointsTable(jdbc, jsonParameter);
    this.transitions = new TransitionsTable();
    this.outbox = new OutboxTable(jsonParameter);
    this.timers = new TimersTable(jsonParameter);
    this.ruleVersions = new RuleVersionsTable(jdbc, jsonParameter);
    this.census = new CensusQueries(jdbc);
    this.actions = new ActionsQueries(jdbc);
    this.kpis = new KpiQueries(jdbc, jsonParameter, kpiPlanning());
  }

  /** Statements that set up the transaction of a KPI refresh (see {@link KpiQueries}). */
  List<String> kpiPlanning() {
    return List.of();
  }

  /** The KPIs, computed in this store. */
  public KpiStore kpis() {
    return kpis;
  }

  /**
   * Statements that make the transaction plan each query for its own parameters and the table as it is now, where a
   * plan cached while a table was small would outlive its fit (see {@link #recipients}).
   */
  List<String> freshPlans() {
    return List.of();
  }

  /** Which database this is, for the log. */
  public abstract String describe();

  /** Whether a census can cut the tables by their pages (PostgreSQL 14 and later). */
  abstract boolean slicesByPages(Connection c) throws SQLException;

  /** The pool, for health checks and tools that read the store directly. */
  public DataSource dataSource() {
    return pool;
  }

  @Override
  public Set<String> knownTouchpoints(Collection<String> ids) {
    return touchpoints.known(ids);
  }

  @Override
  public Map<String, String> outcomes(Collection<String> ids) {
    return touchpoints.outcomes(ids);
  }

  @Override
  public List<StoredTouchpoint> storedTouchpoints(Collection<String> ids) {
    return touchpoints.byIds(ids);
  }

  @Override
  public List<StoredTouchpoint> touchpointsWithOutcome(String outcome, String afterId, int limit) {
    if (!Decided.RULE_ERROR.equals(outcome)) {
      throw new IllegalArgumentException("only " + Decided.RULE_ERROR + " touchpoints are listed");
    }
    return touchpoints.withOutcome(outcome, afterId, limit);
  }

  /**
   * Records the outcome of the batch's touchpoints decided again, in the batch's transaction.
   *
   * @throws StoreException when one of them is no rule error any more: another server decided it again meanwhile
   */
  void recordRedecided(Connection c, WriteBatch batch) throws SQLException {
    boolean[] changed = touchpoints.redecided(c, batch.decided());
    for (boolean ok : changed) {
      if (!ok) {
        throw new StoreException("a touchpoint of the batch was decided again elsewhere meanwhile", null, true);
      }
    }
  }

  @Override
  public Map<String, Customer> customers(Collection<String> ids) {
    return customers.byIds(ids);
  }

  @Override
  public Optional<Customer> customer(String id) {
    return Optional.ofNullable(customers.byIds(List.of(id)).get(id));
  }

  @Override
  public List<Customer> customers(CustomerFilter filter) {
    return customers.page(filter);
  }

  @Override
  public CustomerJourney journey(String customerId) {
    return jdbc.read("cannot read the journey of a customer",
        c -> new CustomerJourney(customerId, transitions.ofCustomer(c, customerId), outbox.ofCustomer(c, customerId)));
  }

  @Override
  public List<CensusSlice> censusSlices(int pages) {
    return jdbc.read("cannot size the tables to count", c -> census.slices(c, pages, slicesByPages(c)));
  }

  @Override
  public Census census(CensusSlice slice) {
    return census.count(slice);
  }

  @Override
  public ClaimedTimers claimDueTimers(Instant now, int limit, Duration lease) {
    return jdbc.inTransaction("cannot claim due timers", c -> timers.claimDue(c, now, limit, lease, lockForClaim));
  }

  @Override
  public void touchpointsBetween(Instant from, Instant until, Consumer<Touchpoint> sink) {
    touchpoints.between(from, until, sink);
  }

  @Override
  public List<RuleVersion> ruleVersions() {
    return ruleVersions.all();
  }

  @Override
  public Optional<RuleVersion> activeRules() {
    return ruleVersions.latest();
  }

  @Override
  public RuleVersion saveRules(Map<String, String> files, String checksum, Instant at, String activatedBy, String note) {
    return ruleVersions.save(files, checksum, at, activatedBy, note);
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

  @Override
  public final List<OutboxAction> claimDueActions(Instant now, int limit, Duration lease, ChannelFilter filter) {
    return jdbc.inTransaction("cannot claim due actions", c -> claimDue(c, now, limit, lease, filter));
  }

  @Override
  public List<ListedAction> actionsWithStatus(String status, long afterId, int limit) {
    return actions.withStatus(status, afterId, limit);
  }

  @Override
  public Retry retryFailedAction(long id, Instant now) {
    return actions.retryFailed(id, now);
  }

  @Override
  public Map<String, Long> pendingActionsByChannel() {
    return actions.pendingByChannel();
  }

  @Override
  public List<ConnectorPause> pausedConnectors() {
    return actions.paused();
  }

  @Override
  public void pauseConnector(String connector, Instant at, String by) {
    actions.pause(connector, at, by);
  }

  @Override
  public boolean resumeConnector(String connector) {
    return actions.resume(connector);
  }

  @Override
  public void releaseHeld(Instant now) {
    actions.releaseHeld(now);
  }

  @Override
  public final void recordDeliveries(List<Delivery> deliveries) {
    if (!deliveries.isEmpty()) {
      jdbc.inTransaction("cannot record deliveries", c -> {
        record(c, deliveries);
        return null;
      });
    }
  }

  @Override
  public Map<String, Recipient> recipients(Collection<String> customerIds, Instant marketingSince) {
    if (customerIds.isEmpty()) {
      return Map.of();
    }
    Map<String, Customer> stored = customers.byIds(customerIds);
    // The relay asks this for every batch, on one pooled connection: a plan cached when few actions had been sent
    // (read them all through the index by status) stayed in use as they grew, 140 ms a batch at full load
    Map<String, Integer> sent = marketingSince == null || stored.isEmpty() ? Map.of()
        : jdbc.inTransaction("cannot count the actions sent to customers", c -> {
          try (java.sql.Statement st = c.createStatement()) {
            for (String sql : freshPlans()) {
              st.execute(sql);
            }
          }
          return outbox.marketingSentSince(c, stored.keySet(), marketingSince);
        });
    Map<String, Recipient> recipients = new java.util.HashMap<>();
    stored.forEach((id, cu) -> recipients.put(id, new Recipient(cu.getAttributes(), sent.getOrDefault(id, 0))));
    return recipients;
  }

  @Override
  public void recordGuarded(List<Guarded> verdicts) {
    if (!verdicts.isEmpty()) {
      jdbc.inTransaction("cannot record the guardrails' verdicts", c -> {
        outbox.guarded(c, verdicts);
        return null;
      });
    }
  }

  @Override
  public Erasure erase(String customerId, Instant at) {
    return jdbc.inTransaction("cannot erase a customer", c -> erasures.erase(c, customerId, at));
  }

  @Override
  public Map<String, Instant> erasedAt(Collection<String> customerIds) {
    if (customerIds.isEmpty()) {
      return Map.of();
    }
    return jdbc.read("cannot look up erasures", c -> erasures.erasedAt(c, customerIds));
  }

  @Override
  public Map<String, List<Map<String, Object>>> export(String customerId) {
    return jdbc.inTransaction("cannot export a customer", c -> erasures.export(c, customerId));
  }

  // What each database's subclass provides.

  @Override
  public abstract List<OutboxAction> write(WriteBatch batch);

  /** Claims due actions, in a transaction already open on {@code c}. */
  abstract List<OutboxAction> claimDue(Connection c, Instant now, int limit, Duration lease, ChannelFilter filter)
      throws SQLException;

  /** Records delivery results, in a transaction already open on {@code c}. */
  abstract void record(Connection c, List<Delivery> deliveries) throws SQLException;
}
