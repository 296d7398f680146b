package io.rapport.engine.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.rapport.engine.store.ChannelFilter;
import io.rapport.engine.store.Delivery;
import io.rapport.engine.store.OutboxAction;
import io.rapport.engine.store.TouchpointAlreadyStored;
import io.rapport.engine.store.WriteBatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The store on PostgreSQL: a group commit in two round trips (see {@link PostgresGroupCommit}), claims with SKIP
 * LOCKED so that servers sharing the database never share an action or a timer, and a census by pages.
 */
final class PostgresStore extends JdbcStore {
  private static final String SKIP_LOCKED = " FOR UPDATE SKIP LOCKED";

  PostgresStore(HikariDataSource pool) {
    super(pool, "CAST(? AS jsonb)", SKIP_LOCKED);
  }

  @Override
  List<String> freshPlans() {
    return List.of("SET LOCAL plan_cache_mode = force_custom_plan");
  }

  @Override
  List<String> kpiPlanning() {
    return List.of("SET LOCAL plan_cache_mode = force_custom_plan", "SET LOCAL enable_seqscan = on");
  }

  @Override
  public String describe() {
    return "PostgreSQL";
  }

  @Override
  boolean slicesByPages(Connection c) throws SQLException {
    return c.getMetaData().getDatabaseMajorVersion() >= 14;
  }

  @Override
  public List<OutboxAction> write(WriteBatch batch) {
    String what = "cannot write " + batch.decided().size() + " touchpoints";
    try {
      return jdbc.inTransaction(what, c -> write(c, batch, false));
    } catch (ActionAlreadyStored e) {
      return jdbc.inTransaction(what, c -> write(c, batch, true));
    }
  }

  private List<OutboxAction> write(Connection c, WriteBatch batch, boolean toleratingStoredActions)
      throws SQLException {
    try {
      List<OutboxAction> claimed = PostgresGroupCommit.write(c, batch, toleratingStoredActions);
      recordRedecided(c, batch);
      codes.issue(c, batch.decided());
      codes.redeem(c, batch.decided());
      CustomerPurchases.addOnPostgres(c, batch.decided());
      return claimed;
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

  @Override
  List<OutboxAction> claimDue(Connection c, Instant now, int limit, Duration lease, ChannelFilter filter)
      throws SQLException {
    return PostgresOutbox.claim(c, now, limit, lease, filter);
  }

  @Override
  void record(Connection c, List<Delivery> deliveries) throws SQLException {
    PostgresOutbox.record(c, deliveries);
  }
}
