package io.rapport.engine.store.jdbc;

import io.rapport.engine.kpi.Engagement;
import io.rapport.engine.kpi.Flow;
import io.rapport.engine.kpi.JourneyEarnings;
import io.rapport.engine.kpi.KpiSnapshot;
import io.rapport.engine.kpi.KpiStore;
import io.rapport.engine.kpi.TrendPoint;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The KPIs in SQL, each over a range of an index (V30) or the table of purchases per customer (V31); see
 * docs/managers.md for the definitions. A refresh reads in one read-only transaction, so that its KPIs agree.
 */
final class KpiQueries implements KpiStore {
  /** Actions are looked at from this long before their attribution window, for those delivered late. */
  static final Duration LATE_DELIVERY = Duration.ofDays(1);
  private static final int FETCH = 10_000;

  private static final String NPS_ANSWERS = "SELECT customer_id, occurred_at, properties FROM touchpoints"
      + " WHERE type = 'nps_response' AND occurred_at >= ? AND occurred_at < ?";
  private static final String RETENTION = "WITH base AS (SELECT DISTINCT customer_id FROM touchpoints"
      + " WHERE type = 'purchase' AND occurred_at >= ? AND occurred_at < ?)"
      + " SELECT (SELECT count(*) FROM base),"
      + " (SELECT count(*) FROM base WHERE customer_id IN (SELECT customer_id FROM touchpoints"
      + " WHERE type = 'purchase' AND occurred_at >= ? AND occurred_at < ?)),"
      + " (SELECT count(*) FROM base WHERE customer_id IN (SELECT customer_id FROM stage_transitions"
      + " WHERE to_stage = 'CHURNED' AND at >= ? AND at < ?))";
  private static final String REPEAT = "SELECT coalesce(sum(CASE WHEN n >= 2 THEN 1 ELSE 0 END), 0), count(*)"
      + " FROM (SELECT customer_id, sum(purchases) AS n FROM customer_purchases GROUP BY customer_id"
      + " HAVING sum(purchases) >= 1) AS buyers";
  private static final String LIFETIME_VALUE = "SELECT currency, sum(net), sum(CASE WHEN purchases > 0 THEN 1 ELSE 0 END)"
      + " FROM customer_purchases WHERE currency <> '' GROUP BY currency";
  private static final String OPENS_AND_CLICKS = "SELECT type, count(*) FROM touchpoints"
      + " WHERE type IN ('email_open', 'email_click') AND occurred_at >= ? AND occurred_at < ? GROUP BY type";
  // Before V10 a suppressed action's reason was kept as its last error, which is where a store written then has it.
  private static final String ACTIONS = "SELECT status,"
      + " coalesce(reason, CASE WHEN status = 'suppressed' THEN last_error END), transactional, rule, template, count(*) FROM actions"
      + " WHERE created_at >= ? AND created_at < ?"
      + " GROUP BY status, coalesce(reason, CASE WHEN status = 'suppressed' THEN last_error END), transactional, rule,"
      + " template";
  private static final String CODES = "SELECT rule, template, count(*) FROM discount_codes"
      + " WHERE status = 'redeemed' AND redeemed_at >= ? AND redeemed_at < ? GROUP BY rule, template";
  // Last touch: each purchase goes to the latest marketing action sent to its customer in the attribution window
  // before it, so that no purchase counts twice.
  private static final String ATTRIBUTED = "SELECT rule, template, currency, sum(amount) FROM ("
      + " SELECT a.rule, a.template, p.currency, p.amount, ROW_NUMBER() OVER (PARTITION BY p.id"
      + " ORDER BY a.sent_at DESC, a.id DESC) AS latest"
      + " FROM touchpoints p JOIN actions a ON a.customer_id = p.customer_id"
      + " WHERE p.type = 'purchase' AND p.occurred_at >= ? AND p.occurred_at < ? AND p.amount IS NOT NULL"
      + " AND p.currency IS NOT NULL AND a.created_at >= ? AND a.created_at < ? AND a.status = 'sent'"
      + " AND a.transactional = false AND a.sent_at <= p.occurred_at"
      + " AND a.sent_at > p.occurred_at - CAST(? AS double precision) * INTERVAL '1' SECOND) AS attributed"
      + " WHERE latest = 1 GROUP BY rule, template, currency";
  private static final String FLOW = "SELECT from_stage, to_stage, count(*) FROM stage_transitions"
      + " WHERE at >= ? AND at < ? GROUP BY from_stage, to_stage ORDER BY count(*) DESC, from_stage, to_stage";
  private static final String SAVE = "INSERT INTO kpi_refreshes (at, nps, nps_answers, retention_rate, churn_rate,"
      + " repeat_purchase_rate, took_ms, details) VALUES (?, ?, ?, ?, ?, ?, ?, %s)";
  private static final String TREND = "SELECT at, nps, retention_rate, repeat_purchase_rate, churn_rate"
      + " FROM kpi_refreshes WHERE at >= ? AND at < ? ORDER BY at";

  private final Jdbc jdbc;
  private final String save;
  private final List<String> planning;

  /**
   * @param planning statements that set up a refresh's transaction: on PostgreSQL, plans made for the windows' actual
   *     bounds (the store's connections use generic plans, which cannot tell a window's size and joined two windows
   *     row by row: 20 s instead of 20 ms at 10,000 customers), and sequential scans where they are cheaper
   */
  KpiQueries(Jdbc jdbc, String jsonParameter, List<String> planning) {
    this.jdbc = jdbc;
    this.save = SAVE.formatted(jsonParameter);
    this.planning = List.copyOf(planning);
  }

  @Override
  public KpiSnapshot compute(Instant now, Duration window, Duration attribution) {
    long began = System.nanoTime();
    Instant start = now.minus(window);
    Instant previous = start.minus(window);
    return jdbc.inTransaction("cannot compute the KPIs", c -> {
      try (java.sql.Statement st = c.createStatement()) {
        for (String sql : planning) {
          st.execute(sql);
        }
      }
      {
        long[] nps = nps(c, start, now);
        long[] retention = longs(c, RETENTION, 3, previous, start, start, now, start, now);
        long[] repeat = longs(c, REPEAT, 2);
        Map<String, BigDecimal> ltv = lifetimeValue(c);
        Map<String, Long> opens = counts(c, OPENS_AND_CLICKS, start, now);
        Actions actions = actions(c, start, now);
        Engagement engagement = new Engagement(actions.marketingSent,
            opens.getOrDefault("email_open", 0L), opens.getOrDefault("email_click", 0L));
        Map<List<String>, JourneyEarnings> journeys = actions.journeys;
        codes(c, start, now, journeys);
        attributed(c, start, now, attribution, journeys);
        long took = Duration.ofNanos(System.nanoTime() - began).toMillis();
        Double npsValue = nps[0] == 0 ? null : 100.0 * (nps[1] - nps[2]) / nps[0];
        return new KpiSnapshot(now, window, npsValue, nps[0], share(retention[1], retention[0]),
            share(retention[2], retention[0]), share(repeat[0], repeat[1]), ltv, engagement,
            new ArrayList<>(journeys.values()), actions.byStatus, actions.suppressedByReason, took);
      }
    });
  }

  private static Double share(long part, long whole) {
    return whole == 0 ? null : (double) part / whole;
  }

  /**
   * Answers, promoters and detractors among the customers' latest answers in the window. Scores are read as the rules
   * read them (a number or numeric text, cut to a whole number); an answer without a score of 0..10 is no answer.
   */
  private static long[] nps(Connection c, Instant from, Instant until) throws SQLException {
    Map<String, Instant> latestAt = new HashMap<>();
    Map<String, Integer> latestScore = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(NPS_ANSWERS)) {
      ps.setFetchSize(FETCH);
      ps.setObject(1, Jdbc.ts(from));
      ps.setObject(2, Jdbc.ts(until));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Integer score = score(rs.getString(3));
          if (score == null) {
            continue;
          }
          String customer = rs.getString(1);
          Instant at = Jdbc.instant(rs, 2);
          Instant known = latestAt.get(customer);
          if (known == null || at.isAfter(known)) {
            latestAt.put(customer, at);
            latestScore.put(customer, score);
          }
        }
      }
    }
    long promoters = latestScore.values().stream().filter(s -> s >= 9).count();
    long detractors = latestScore.values().stream().filter(s -> s <= 6).count();
    return new long[] {latestScore.size(), promoters, detractors};
  }

  static Integer score(String properties) {
    if (properties == null) {
      return null;
    }
    Object v;
    try {
      v = new JsonObject(properties).getValue("score");
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
    Number n = null;
    if (v instanceof Number number) {
      n = number;
    } else if (v instanceof String s) {
      try {
        n = new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    if (n == null || n.doubleValue() < 0 || n.doubleValue() >= 11) {
      return null;
    }
    return n.intValue();
  }

  private static Map<String, BigDecimal> lifetimeValue(Connection c) throws SQLException {
    Map<String, BigDecimal> ltv = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement(LIFETIME_VALUE); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long buyers = rs.getLong(3);
        if (buyers > 0) {
          ltv.put(rs.getString(1), rs.getBigDecimal(2).divide(BigDecimal.valueOf(buyers), 4,
              java.math.RoundingMode.HALF_EVEN));
        }
      }
    }
    return ltv;
  }

  /** What the actions made in the window came to. */
  private static final class Actions {
    long marketingSent;
    final Map<String, Long> byStatus = new TreeMap<>();
    final Map<String, Long> suppressedByReason = new TreeMap<>();
    final Map<List<String>, JourneyEarnings> journeys = new LinkedHashMap<>();
  }

  private static Actions actions(Connection c, Instant from, Instant until) throws SQLException {
    Actions a = new Actions();
    try (PreparedStatement ps = c.prepareStatement(ACTIONS)) {
      bind(ps, from, until);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String status = rs.getString(1);
          String reason = rs.getString(2);
          boolean transactional = rs.getBoolean(3);
          long n = rs.getLong(6);
          a.byStatus.merge(status, n, Long::sum);
          if ("suppressed".equals(status)) {
            a.suppressedByReason.merge(reason == null ? "unknown" : reason, n, Long::sum);
          }
          if ("sent".equals(status)) {
            if (!transactional) {
              a.marketingSent += n;
            }
            JourneyEarnings j = journey(a.journeys, rs.getString(4), rs.getString(5));
            a.journeys.put(List.of(j.rule(), j.template()), j.plus(n, 0, Map.of()));
          }
        }
      }
    }
    return a;
  }

  private static JourneyEarnings journey(Map<List<String>, JourneyEarnings> journeys, String rule, String template) {
    return journeys.computeIfAbsent(List.of(rule, template), k -> new JourneyEarnings(rule, template, 0, 0, Map.of()));
  }

  private static void codes(Connection c, Instant from, Instant until, Map<List<String>, JourneyEarnings> journeys)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(CODES)) {
      bind(ps, from, until);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long n = rs.getLong(3);
          JourneyEarnings j = journey(journeys, rs.getString(1), rs.getString(2));
          journeys.put(List.of(j.rule(), j.template()), j.plus(0, n, Map.of()));
        }
      }
    }
  }

  private static void attributed(Connection c, Instant from, Instant until, Duration attribution,
      Map<List<String>, JourneyEarnings> journeys) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ATTRIBUTED)) {
      ps.setFetchSize(FETCH);
      bind(ps, from, until, from.minus(attribution).minus(LATE_DELIVERY), until);
      ps.setDouble(5, attribution.toMillis() / 1000.0);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          JourneyEarnings j = journey(journeys, rs.getString(1), rs.getString(2));
          journeys.put(List.of(j.rule(), j.template()), j.plus(0, 0, Map.of(rs.getString(3), rs.getBigDecimal(4))));
        }
      }
    }
  }

  private static Map<String, Long> counts(Connection c, String sql, Instant from, Instant until) throws SQLException {
    Map<String, Long> counts = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, from, until);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return counts;
  }

  private static long[] longs(Connection c, String sql, int columns, Instant... times) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, times);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long[] values = new long[columns];
        for (int i = 0; i < columns; i++) {
          values[i] = rs.getLong(i + 1);
        }
        return values;
      }
    }
  }

  private static void bind(PreparedStatement ps, Instant... times) throws SQLException {
    for (int i = 0; i < times.length; i++) {
      ps.setObject(i + 1, Jdbc.ts(times[i]));
    }
  }

  @Override
  public void save(KpiSnapshot s, Instant keepAfter) {
    jdbc.inTransaction("cannot keep a KPI refresh", c -> {
      try (PreparedStatement ps = c.prepareStatement(save)) {
        ps.setObject(1, Jdbc.ts(s.at()));
        setDouble(ps, 2, s.nps());
        ps.setLong(3, s.npsAnswers());
        setDouble(ps, 4, s.retentionRate());
        setDouble(ps, 5, s.churnRate());
        setDouble(ps, 6, s.repeatPurchaseRate());
        ps.setLong(7, s.tookMillis());
        ps.setString(8, s.toJson().encode());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM kpi_refreshes WHERE at < ?")) {
        ps.setObject(1, Jdbc.ts(keepAfter));
        ps.executeUpdate();
      }
      return null;
    });
  }

  private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
    if (v == null) {
      ps.setNull(i, java.sql.Types.NUMERIC);
    } else {
      ps.setBigDecimal(i, BigDecimal.valueOf(v).setScale(6, java.math.RoundingMode.HALF_EVEN));
    }
  }

  @Override
  public Optional<KpiSnapshot> latest() {
    return jdbc.read("cannot read the latest KPI refresh", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT details FROM kpi_refreshes ORDER BY at DESC FETCH FIRST 1 ROWS ONLY");
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(KpiSnapshot.fromJson(new JsonObject(rs.getString(1)))) : Optional.empty();
      }
    });
  }

  @Override
  public List<TrendPoint> trend(Instant from, Instant until) {
    return jdbc.read("cannot read the KPI trend", c -> {
      List<TrendPoint> points = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(TREND)) {
        bind(ps, from, until);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            points.add(new TrendPoint(Jdbc.instant(rs, 1), dbl(rs, 2), dbl(rs, 3), dbl(rs, 4), dbl(rs, 5)));
          }
        }
      }
      return points;
    });
  }

  private static Double dbl(ResultSet rs, int column) throws SQLException {
    BigDecimal v = rs.getBigDecimal(column);
    return v == null ? null : v.doubleValue();
  }

  @Override
  public List<Flow> flow(Instant from, Instant until) {
    return jdbc.read("cannot read the transition flow", c -> {
      List<Flow> flows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(FLOW)) {
        bind(ps, from, until);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            flows.add(new Flow(rs.getString(1), rs.getString(2), rs.getLong(3)));
          }
        }
      }
      return flows;
    });
  }
}
