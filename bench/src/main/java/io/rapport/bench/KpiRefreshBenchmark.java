package io.rapport.bench;

import io.rapport.engine.kpi.KpiSnapshot;
import io.rapport.engine.store.jdbc.Database;
import io.rapport.engine.store.jdbc.JdbcStore;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Times one KPI refresh over a store of many customers on PostgreSQL: loads a fresh database with customers and half a
 * year of touchpoints, actions, transitions and codes (in SQL, with generate_series), then refreshes a few times and
 * prints one JSON line. See docs/benchmark.md.
 */
@Command(name = "kpi-refresh-bench", mixinStandardHelpOptions = true,
    description = "Time a KPI refresh over a store of many customers on PostgreSQL.")
public final class KpiRefreshBenchmark implements Callable<Integer> {
  @Option(names = "--db-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
      description = "A PostgreSQL database to connect to; a fresh database is created beside it and dropped afterwards "
          + "(default ${DEFAULT-VALUE}).")
  String dbUrl;

  @Option(names = "--customers", defaultValue = "1000000", description = "Customers (default ${DEFAULT-VALUE}).")
  int customers;

  @Option(names = "--touchpoints-per-customer", defaultValue = "10",
      description = "Touchpoints per customer over --days (default ${DEFAULT-VALUE}).")
  int perCustomer;

  @Option(names = "--days", defaultValue = "180", description = "Days of history (default ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--refreshes", defaultValue = "3", description = "Refreshes timed (default ${DEFAULT-VALUE}).")
  int refreshes;

  @Option(names = "--keep", description = "Keep the database.")
  boolean keep;

  @Option(names = "--reuse", description = "Time refreshes on a database a run before kept (--keep), as it is: no "
      + "load, and the database is kept.")
  String reuse;

  public static void main(String[] args) {
    System.exit(new CommandLine(new KpiRefreshBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    boolean loading = reuse == null;
    BenchDatabase db = loading ? BenchDatabase.create(dbUrl) : BenchDatabase.existing(dbUrl, reuse);
    try {
      long t0 = System.nanoTime();
      try (JdbcStore store = Database.open(new Database.Options(db.url(), "", "", 4, 0), null)) {
        double migrated = seconds(t0);
        long t1 = System.nanoTime();
        if (loading) {
          load(db.url());
        }
        double loaded = seconds(t1);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<Long> took = new ArrayList<>();
        KpiSnapshot last = null;
        for (int i = 0; i < refreshes; i++) {
          long t = System.nanoTime();
          last = store.kpis().compute(now, Duration.ofDays(90), Duration.ofDays(14));
          took.add(Duration.ofNanos(System.nanoTime() - t).toMillis());
        }
        JsonObject line = new JsonObject()
            .put("customers", customers)
            .put("touchpoints", (long) customers * perCustomer)
            .put("days", days)
            .put("load_s", Math.round(loaded * 10) / 10.0)
            .put("migrate_s", Math.round(migrated * 10) / 10.0)
            .put("refresh_ms", took)
            .put("nps", last.nps())
            .put("nps_answers", last.npsAnswers())
            .put("retention", last.retentionRate())
            .put("journeys", last.journeys().size());
        System.out.println(line.encode());
      }
    } finally {
      if (keep || !loading) {
        System.err.println("kept database " + db.name());
      } else {
        db.drop();
      }
    }
    return 0;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /**
   * Touchpoints in time order (as they arrive live), each customer's spread over the history; then what the engine
   * would have written beside them: purchases per customer, actions (most of them sent), transitions and codes.
   */
  private void load(String url) throws Exception {
    long total = (long) customers * perCustomer;
    String n = String.valueOf(customers);
    String span = days + " days";
    List<String> statements = List.of(
        "SET synchronous_commit = off",
        "INSERT INTO customers (id, stage, stage_since, orders, revenue, last_activity_at, version, created_at,"
            + " updated_at) SELECT 'c-' || g, (ARRAY['PROSPECT','LEAD','NEW_CUSTOMER','REPEAT','LOYAL','ADVOCATE',"
            + "'AT_RISK','CHURNED'])[1 + g % 8], now(), g % 4, (g % 4) * 50, now(), 1, now(), now()"
            + " FROM generate_series(1, " + n + ") g",
        "INSERT INTO touchpoints (id, customer_id, type, channel, occurred_at, amount, currency, properties,"
            + " received_at, outcome)"
            + " SELECT 'tp-' || g, 'c-' || (1 + floor(random() * " + n + ")::int), t.type, 'web',"
            + " now() - interval '" + span + "' + (g::float8 / " + total + ") * interval '" + span + "',"
            + " CASE WHEN t.type IN ('purchase', 'refund') THEN round((10 + random() * 190)::numeric, 2) END,"
            + " CASE WHEN t.type IN ('purchase', 'refund') THEN CASE WHEN g % 20 = 0 THEN 'USD' ELSE 'EUR' END END,"
            + " CASE WHEN t.type = 'nps_response' THEN jsonb_build_object('score', floor(random() * 11)::int) END,"
            + " now(), 'decided'"
            + " FROM generate_series(1::bigint, " + total + ") g, LATERAL (SELECT CASE"
            + " WHEN g % 100 < 40 THEN 'web_visit' WHEN g % 100 < 60 THEN 'email_open'"
            + " WHEN g % 100 < 70 THEN 'email_click' WHEN g % 100 < 85 THEN 'purchase' WHEN g % 100 < 87 THEN 'refund'"
            + " WHEN g % 100 < 90 THEN 'nps_response' ELSE 'support_ticket' END AS type) t",
        "INSERT INTO customer_purchases (customer_id, currency, purchases, net)"
            + " SELECT customer_id, coalesce(currency, ''), sum(CASE WHEN type = 'purchase' THEN 1 ELSE 0 END),"
            + " sum(CASE WHEN type = 'purchase' THEN amount ELSE -amount END) FROM touchpoints"
            + " WHERE type IN ('purchase', 'refund') GROUP BY 1, 2",
        // one action per customer over the history: 80% sent marketing, 5% transactional, the rest suppressed,
        // pending or failed; 20 journeys
        "INSERT INTO actions (idempotency_key, customer_id, type, channel, template, payload, rule, touchpoint_id,"
            + " status, attempts, next_attempt_at, created_at, sent_at, reason, transactional)"
            + " SELECT 'a-' || g, 'c-' || g, 'send', 'email', 'template-' || g % 20, '{}', 'Journey ' || g % 20,"
            + " 'tp-' || g, s.status, 1, now(), s.at, CASE WHEN s.status = 'sent' THEN s.at + interval '1 minute' END,"
            + " CASE WHEN s.status = 'suppressed' THEN (ARRAY['frequency','consent','quiet_hours'])[1 + g % 3] END,"
            + " g % 100 >= 80 AND g % 100 < 85"
            + " FROM generate_series(1, " + n + ") g, LATERAL (SELECT now() - interval '" + span + "' + (g::float8 / "
            + n + ") * interval '" + span + "' AS at, CASE WHEN g % 100 < 85 THEN 'sent' WHEN g % 100 < 93"
            + " THEN 'suppressed' WHEN g % 100 < 97 THEN 'pending' ELSE 'failed' END AS status) s",
        "INSERT INTO stage_transitions (customer_id, from_stage, to_stage, rule, reason, touchpoint_id, at, recorded_at)"
            + " SELECT 'c-' || (1 + (g * 7919) % " + n + "), (ARRAY['NEW_CUSTOMER','REPEAT','LOYAL','AT_RISK'])[1 + g % 4],"
            + " (ARRAY['REPEAT','LOYAL','AT_RISK','CHURNED'])[1 + g % 4], 'Journey ' || g % 20, 'bench', 'tp-' || g,"
            + " now() - interval '" + span + "' + (g::float8 / " + (customers * 3L / 2) + ") * interval '" + span
            + "', now() FROM generate_series(1::bigint, " + (customers * 3L / 2) + ") g",
        "INSERT INTO discount_codes (code, customer_id, percent, rule, template, issued_at, expires_at, status,"
            + " redeemed_at) SELECT 'code-' || g, 'c-' || g, 10, 'Journey ' || g % 20, 'template-' || g % 20,"
            + " now() - interval '" + span + "', now() + interval '30 days',"
            + " CASE WHEN g % 3 = 0 THEN 'redeemed' ELSE 'issued' END,"
            + " CASE WHEN g % 3 = 0 THEN now() - (g % " + days + ") * interval '1 day' END"
            + " FROM generate_series(1, " + (customers / 10) + ") g",
        "VACUUM ANALYZE");
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      for (String sql : statements) {
        long t = System.nanoTime();
        st.execute(sql);
        System.err.printf("%.1f s: %s%n", seconds(t), sql.substring(0, Math.min(60, sql.length())));
      }
    }
  }
}
