package io.rapport.bench;

import io.rapport.engine.ingest.Facts;
import io.rapport.messages.TouchpointReader;
import io.rapport.rules.ActionRequest;
import io.rapport.rules.Customer;
import io.rapport.rules.RuleBook;
import io.rapport.rules.Timeline;
import io.rapport.rules.Touchpoint;
import io.rapport.rules.Transition;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Whether the server stored what it accepted and decided as a replay does; keeps the replay's rows for raw_pg. */
final class ConsistencyCheck {
  boolean consistent;
  long stored;
  // the rows raw_pg writes, kept as CSV in one share per COPY stream
  final CsvShares touchpoints;
  final CsvShares transitions;
  final CsvShares actions;
  final CsvShares customers;

  private ConsistencyCheck(int shares) {
    touchpoints = new CsvShares(shares);
    transitions = new CsvShares(shares);
    actions = new CsvShares(shares);
    customers = new CsvShares(shares);
  }

  /** Every accepted touchpoint stored once; every stage as a single-threaded replay has it. */
  static ConsistencyCheck run(String url, List<Clients> phases, int shares) throws Exception {
    ConsistencyCheck check = new ConsistencyCheck(shares);
    // received_at and created_at of the direct write: any one time will do
    String now = Instant.now().toString();
    Timeline timeline = new Timeline(RuleBook.defaults(), (t, d, c) -> {
      d.transitions().forEach(tr -> check.transitions.add(b -> transitionRow(b, tr, now)));
      d.actions().forEach(a -> check.actions.add(b -> actionRow(b, a, now)));
    });
    long expected = 0;
    for (Clients phase : phases) {
      for (int k = 0; k < phase.size(); k++) {
        TouchpointMix mix = phase.mix(k);
        for (long n = 0; n < phase.sent(k); n++) {
          Touchpoint t = Facts.touchpoint(TouchpointReader.one(mix.next()));
          check.touchpoints.add(b -> touchpointRow(b, t, now));
          timeline.offer(t);
          expected++;
        }
      }
    }
    Map<String, String> stages = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT id) FROM touchpoints WHERE type <> 'timer'")) {
        rs.next();
        check.stored = rs.getLong(1);
        check.consistent = rs.getLong(1) == expected && rs.getLong(2) == expected;
      }
      try (ResultSet rs = st.executeQuery("SELECT id, stage FROM customers")) {
        while (rs.next()) {
          stages.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    long differing = 0;
    for (Customer c : timeline.customers()) {
      check.customers.add(b -> customerRow(b, c, now));
      if (!c.getStage().equals(stages.get(c.getId()))) {
        differing++;
      }
    }
    if (differing > 0 || stages.size() != timeline.customers().size()) {
      System.err.println("inconsistent: " + differing + " customers differ; " + stages.size() + " stored, "
          + timeline.customers().size() + " replayed");
      check.consistent = false;
    }
    if (check.stored != expected) {
      System.err.println("inconsistent: " + check.stored + " touchpoints stored, " + expected + " sent and acknowledged");
    }
    return check;
  }

  private static void touchpointRow(StringBuilder b, Touchpoint t, String now) {
    b.append(t.id()).append(',').append(t.customerId()).append(',').append(t.type()).append(',').append(t.channel())
        .append(',').append(t.occurredAt()).append(',').append(t.value() == null ? "" : t.value()).append(',')
        .append(t.currency() == null ? "" : t.currency()).append(',')
        .append(t.properties().isEmpty() ? "" : csv(new JsonObject(t.properties()).encode())).append(',')
        .append(now).append(",decided\n");
  }

  private static void customerRow(StringBuilder b, Customer cu, String now) {
    b.append(cu.getId()).append(',').append(cu.getStage()).append(',').append(cu.getStageSince() == null ? "" : cu.getStageSince())
        .append(',').append(cu.getOrders()).append(',').append(cu.getRevenue()).append(',')
        .append(cu.getLastPurchaseAt() == null ? "" : cu.getLastPurchaseAt()).append(',').append(cu.getLastActivityAt())
        .append(',').append(cu.getLastNps() == null ? "" : cu.getLastNps()).append(',').append(cu.getComplaints())
        .append(",{},1,").append(now).append(',').append(now).append('\n');
  }

  private static void transitionRow(StringBuilder b, Transition t, String now) {
    b.append(t.customerId()).append(',').append(t.from()).append(',').append(t.to()).append(',').append(csv(t.rule()))
        .append(',').append(csv(t.reason())).append(',').append(t.touchpointId()).append(',').append(t.at()).append(',')
        .append(now).append('\n');
  }

  private static void actionRow(StringBuilder b, ActionRequest a, String now) {
    b.append(csv(a.idempotencyKey())).append(',').append(a.customerId()).append(",send,").append(a.channel()).append(',')
        .append(a.template()).append(',').append(csv(new JsonObject(a.params()).encode())).append(',').append(csv(a.rule()))
        .append(',').append(a.touchpointId()).append(",pending,0,").append(now).append(',').append(now).append('\n');
  }

  private static String csv(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
