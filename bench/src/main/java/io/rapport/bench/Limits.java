package io.rapport.bench;

import io.rapport.engine.ingest.Facts;
import io.rapport.messages.TouchpointReader;
import io.rapport.rules.Customer;
import io.rapport.rules.RuleBook;
import io.rapport.rules.Touchpoint;
import io.rapport.rules.replay.Replay;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;

/** The limits the server's figures are held against: the storage alone, the rules alone, and the CDNOW replay. */
final class Limits {
  private static final List<String> TABLES = List.of("touchpoints", "customers", "stage_transitions", "actions");

  private Limits() {}

  /** raw_pg's rate in touchpoints per second, and what it cost PostgreSQL per touchpoint. */
  record RawPg(double rate, Double postgresMicros, Long walBytes) {}

  /**
   * The same rows written straight to PostgreSQL with COPY into copies of the tables (indexes
   * included), by {@code streams} connections at once, each its share of every table in one
   * transaction. The CSV text is made before the clock starts and every measurement starts after
   * a checkpoint: this is the storage's limit, not the client's.
   */
  static RawPg rawPg(String url, ConsistencyCheck rows, int streams) throws Exception {
    List<List<List<byte[]>>> shares = new ArrayList<>();
    for (int k = 0; k < streams; k++) {
      shares.add(List.of(rows.touchpoints.share(k, streams), rows.customers.share(k, streams),
          rows.transitions.share(k, streams), rows.actions.share(k, streams)));
    }
    List<String> copies = List.of(
        "COPY raw_touchpoints (id, customer_id, type, channel, occurred_at, amount, currency, properties, received_at, outcome)",
        "COPY raw_customers (id, stage, stage_since, orders, revenue, last_purchase_at, last_activity_at, last_nps,"
            + " complaints, attributes, version, created_at, updated_at)",
        "COPY raw_stage_transitions (customer_id, from_stage, to_stage, rule, reason, touchpoint_id, at, recorded_at)",
        "COPY raw_actions (idempotency_key, customer_id, type, channel, template, payload, rule, touchpoint_id, status,"
            + " attempts, next_attempt_at, created_at)");
    List<Connection> connections = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(streams);
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      for (String table : TABLES) {
        st.execute("CREATE TABLE raw_" + table + " (LIKE " + table + " INCLUDING ALL)");
      }
      for (int k = 0; k < streams; k++) {
        Connection stream = DriverManager.getConnection(url);
        stream.setAutoCommit(false);
        connections.add(stream);
      }
      st.execute("CHECKPOINT");
      long cpu0 = CpuUse.postgresNow();
      WalUse wal0 = WalUse.read(st);
      long t0 = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int k = 0; k < streams; k++) {
        Connection stream = connections.get(k);
        List<List<byte[]>> share = shares.get(k);
        done.add(threads.submit(() -> {
          var copy = stream.unwrap(PGConnection.class).getCopyAPI();
          for (int table = 0; table < copies.size(); table++) {
            copy.copyIn(copies.get(table) + " FROM STDIN WITH (FORMAT csv)", new SequenceInputStream(
                Collections.enumeration(share.get(table).stream().map(ByteArrayInputStream::new).toList())));
          }
          stream.commit();
          return null;
        }));
      }
      for (var f : done) {
        f.get();
      }
      long touchpoints = rows.touchpoints.rows();
      double rate = touchpoints / ((System.nanoTime() - t0) / 1e9);
      Double cpu = Report.microsPer(CpuUse.postgresNow() - cpu0, touchpoints);
      Long wal = Report.bytesPer(WalUse.read(st).bytesSince(wal0), touchpoints);
      for (String table : TABLES) {
        st.execute("DROP TABLE raw_" + table);
      }
      return new RawPg(rate, cpu, wal);
    } finally {
      threads.shutdownNow();
      for (Connection stream : connections) {
        stream.close();
      }
    }
  }

  /** Touchpoints per second through the default rules, one thread, state in a map. */
  static double rawRules(int customers, Instant start) {
    RuleBook rules = RuleBook.defaults();
    TouchpointMix mix = new TouchpointMix(7, customers, "raw", start);
    Map<String, Customer> state = new HashMap<>();
    List<Touchpoint> sample = new ArrayList<>();
    for (int i = 0; i < 300_000; i++) {
      sample.add(Facts.touchpoint(TouchpointReader.one(mix.next())));
    }
    // Drools compiles constraints to bytecode after a while and the JIT needs its time: warm up by the clock.
    int i = 0;
    long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < warm) {
      Touchpoint t = sample.get(i++ % sample.size());
      rules.decide(state.computeIfAbsent(t.customerId(), Customer::new), t);
    }
    long decided = 0;
    long t0 = System.nanoTime();
    long end = t0 + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end) {
      Touchpoint t = sample.get(i++ % sample.size());
      rules.decide(state.computeIfAbsent(t.customerId(), Customer::new), t);
      decided++;
    }
    return decided / ((System.nanoTime() - t0) / 1e9);
  }

  /** The CDNOW replay rate, when the data set is beside the project. */
  static Double cdnowReplay() throws IOException {
    Path file = null;
    for (Path dir = Path.of("").toAbsolutePath(); dir != null && file == null; dir = dir.getParent()) {
      Path f = dir.resolve("shared/data/cdnow/CDNOW_master.txt");
      file = Files.isRegularFile(f) ? f : null;
    }
    if (file == null) {
      return null;
    }
    List<Touchpoint> purchases = new ArrayList<>();
    int line = 0;
    for (String text : Files.readAllLines(file)) {
      line++;
      String[] f = text.trim().split("\\s+");
      if (f.length == 4 && f[0].chars().allMatch(Character::isDigit)) {
        purchases.add(new Touchpoint("cdnow-" + line, "cdnow-" + f[0], "purchase",
            LocalDate.parse(f[1], DateTimeFormatter.BASIC_ISO_DATE).atStartOfDay().toInstant(ZoneOffset.UTC), "web",
            new BigDecimal(f[3]), "USD", Map.of("quantity", Integer.parseInt(f[2]))));
      }
    }
    purchases.sort(Comparator.comparing(Touchpoint::occurredAt));
    RuleBook rules = RuleBook.defaults();
    new Replay(rules, false).offer(purchases.get(0)); // load classes
    Replay replay = new Replay(rules, false);
    long t0 = System.nanoTime();
    purchases.forEach(replay::offer);
    replay.finish(Instant.parse("1998-07-01T00:00:00Z"));
    return purchases.size() / ((System.nanoTime() - t0) / 1e9);
  }
}
