package io.rapport.engine.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.rapport.engine.store.Delivery;
import io.rapport.engine.store.OutboxAction;
import io.rapport.engine.store.TouchpointAlreadyStored;
import io.rapport.engine.store.WriteBatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

/**
 * The embedded store: H2 in PostgreSQL mode, files under the data directory. A group commit is one batched
 * statement per table; it claims its new actions as PostgreSQL's does, and postpones timers in place as it does.
 */
final class H2Store extends JdbcStore {
  /** H2's code for a duplicate key. */
  private static final int DUPLICATE_KEY = 23505;
  private final String location;

  H2Store(HikariDataSource pool, String location) {
    super(pool, "?", " FOR UPDATE");
    this.location = location;
  }

  @Override
  public String describe() {
    return "embedded H2 in " + location;
  }

  @Override
  boolean slicesByPages(Connection c) {
    return false;
  }

  @Override
  public List<OutboxAction> write(WriteBatch batch) {
    OffsetDateTime now = Jdbc.ts(batch.receivedAt());
    return jdbc.inTransaction("cannot write " + batch.decided().size() + " touchpoints", c -> {
      try {
        touchpoints.insert(c, batch.decided(), now);
      } catch (SQLException e) {
        if (isStoredTouchpoint(e)) {
          throw new TouchpointAlreadyStored(e.getMessage(), e); // rolled back like any failure
        }
        throw e;
      }
      recordRedecided(c, batch);
      customers.write(c, batch.customers(), now);
      transitions.insert(c, batch.decided(), now);
      List<OutboxAction> claimed = outbox.insert(c, batch.decided(), now, batch.claimUntil());
      timers.apply(c, TimerChanges.of(batch));
      CustomerPurchases.addByMerge(c, batch.decided());
      return claimed;
    });
  }

  private static boolean isStoredTouchpoint(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getErrorCode() == DUPLICATE_KEY
          && String.valueOf(s.getMessage()).toLowerCase(Locale.ROOT).contains("touchpoints")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  @Override
  List<OutboxAction> claimDue(Connection c, Instant now, int limit, Duration lease) throws SQLException {
    return outbox.claimDue(c, now, limit, lease, " FOR UPDATE");
  }

  @Override
  void record(Connection c, List<Delivery> deliveries) throws SQLException {
    outbox.record(c, deliveries);
  }
}
