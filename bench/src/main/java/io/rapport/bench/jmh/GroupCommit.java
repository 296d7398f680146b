package io.rapport.bench.jmh;

import io.rapport.bench.TouchpointMix;
import io.rapport.engine.config.Settings;
import io.rapport.engine.ingest.Facts;
import io.rapport.messages.TouchpointReader;
import io.rapport.engine.store.jdbc.Database;
import io.rapport.engine.store.Decided;
import io.rapport.engine.store.jdbc.JdbcStore;
import io.rapport.engine.store.WriteBatch;
import io.rapport.rules.Customer;
import io.rapport.rules.RuleBook;
import io.rapport.rules.Touchpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmark of the batch write: one partition's group commit of decided touchpoints to the
 * PostgreSQL on this machine (a fresh database beside {@code rapport.bench.db}), as the server
 * writes it, one thread. The score is in commits per second (times {@code size} for touchpoints).
 * Run: java -cp
 * "bench/target/rapport-bench.jar:bench/target/lib/*" org.openjdk.jmh.Main GroupCommit [-jvmArgsAppend
 * -Drapport.bench.db=URL]
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class GroupCommit {
  private static final String ADMIN_URL =
      System.getProperty("rapport.bench.db", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

  /** Touchpoints per commit: small ones show the fixed cost of a commit, large ones the cost per row. */
  @Param({"20", "200"})
  public int size;

  private final RuleBook rules = RuleBook.defaults();
  private final Map<String, Customer> customers = new HashMap<>();
  private final String database = "rapport_jmh_" + System.currentTimeMillis();
  private TouchpointMix mix;
  private JdbcStore store;

  @Setup(Level.Trial)
  public void createDatabase() throws Exception {
    try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + database);
    }
    String server = ADMIN_URL.substring(0, ADMIN_URL.indexOf('/', "jdbc:postgresql://".length()) + 1);
    String query = ADMIN_URL.contains("?") ? ADMIN_URL.substring(ADMIN_URL.indexOf('?')) : "";
    store = Database.open(new Database.Options(server + database + query, "", "", 2,
        Settings.of(Map.of()).get(Settings.DB_FLUSH_AFTER_KB)), null);
    mix = new TouchpointMix(3, 100_000, "jmh" + size, Instant.parse("2026-01-01T00:00:00Z"));
  }

  @TearDown(Level.Trial)
  public void dropDatabase() throws Exception {
    store.close();
    try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  /** Decides {@code size} touchpoints of the realistic mix in memory and writes them as one group commit. */
  @Benchmark
  public int writeOneGroupCommit() {
    List<Decided> decided = new ArrayList<>(size);
    Map<String, Customer> changed = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      Touchpoint t = Facts.touchpoint(TouchpointReader.one(mix.next()));
      Customer c = changed.computeIfAbsent(t.customerId(), id -> customers.computeIfAbsent(id, Customer::new).copy());
      decided.add(new Decided(t, rules.decide(c, t)));
    }
    store.write(new WriteBatch(decided, List.copyOf(changed.values()), Instant.now()));
    for (Customer c : changed.values()) {
      c.advanceVersion();
      customers.put(c.getId(), c);
    }
    return decided.size();
  }
}
