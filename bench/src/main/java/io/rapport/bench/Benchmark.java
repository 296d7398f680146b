package io.rapport.bench;

import io.rapport.engine.ingest.Facts;
import io.rapport.messages.TouchpointReader;
import io.rapport.rules.ActionRequest;
import io.rapport.rules.Customer;
import io.rapport.rules.RuleBook;
import io.rapport.rules.Timeline;
import io.rapport.rules.Touchpoint;
import io.rapport.rules.Transition;
import io.rapport.rules.replay.Replay;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Measures Rapport against its own limits in one run: HTTP throughput on PostgreSQL, latency at
 * half that load, the storage limit (the same rows written straight by COPY), the rules limit (one
 * thread, in memory) and the CDNOW replay rate; then checks that every accepted touchpoint is
 * stored once and every customer's stage equals a single-threaded replay. Prints one JSON line.
 */
@Command(name = "rapport-bench", mixinStandardHelpOptions = true, description = "Benchmark Rapport on this machine.")
public final class Benchmark implements Callable<Integer> {
  /** Sent before the half-load samples begin, at their rate, and left out of them. */
  static final Duration LATENCY_LEAD_IN = Duration.ofSeconds(2);

  @Option(names = "--db-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
      description = "A PostgreSQL database to connect to; the benchmark creates (and drops) a fresh database beside it (default ${DEFAULT-VALUE}).")
  String dbUrl;

  @Option(names = "--seconds", defaultValue = "60", description = "Measured seconds at full load (default ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--customers", defaultValue = "100000", description = "Distinct customers (default ${DEFAULT-VALUE}).")
  int customers;

  @Option(names = "--batch", defaultValue = "500", description = "Touchpoints per request at full load (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--concurrency", defaultValue = "8", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--partitions", description = "Server partitions (default: the server's, two per core).")
  Integer partitions;

  @Option(names = "--warmup-seconds", defaultValue = "10",
      description = "Least load before measuring (default ${DEFAULT-VALUE}); the warm-up goes on while the JIT compiler is busy.")
  int warmup;

  @Option(names = "--warmup-max-seconds", defaultValue = "600",
      description = "Longest warm-up, even if the JIT compiler is still busy (default ${DEFAULT-VALUE}).")
  int warmupMax;

  @Option(names = "--known-customers",
      description = "Touch every customer once during the warm-up, so that the measured window sees known customers only"
          + " (--history 1).")
  boolean knownCustomers;

  @Option(names = "--history", defaultValue = "0",
      description = "Send every customer this many touchpoints, in rounds, during the warm-up, so that the measured window"
          + " sees customers with that much history at least, however many there are (default ${DEFAULT-VALUE}).")
  int history;

  @Option(names = "--latency-seconds", defaultValue = "20", description = "Seconds of the half-load latency run (default ${DEFAULT-VALUE}).")
  int latencySeconds;

  // Half the load means the same requests at half the rate: smaller ones cost more per touchpoint.
  @Option(names = "--latency-batch", description = "Touchpoints per request in the latency run (default: --batch).")
  Integer latencyBatch;

  @Option(names = "--latency-clients", defaultValue = "8",
      description = "Independent clients in the latency run, one request in flight each (default ${DEFAULT-VALUE}).")
  int latencyClients;

  @Option(names = "--raw-streams", description = "Connections that COPY at once for raw_pg (default: one per core, ${DEFAULT-VALUE}).")
  int rawStreams = Runtime.getRuntime().availableProcessors();

  @Spec
  CommandSpec spec;

  @Option(names = "--server-java-options", defaultValue = "-Xms1g -Xmx1g -XX:+UseParallelGC -XX:+UseTransparentHugePages",
      description = "Options of the server's JVM (default ${DEFAULT-VALUE}, as deploy/systemd runs it).")
  String serverJavaOptions;

  @Option(names = "--keep", description = "Keep the benchmark database.")
  boolean keep;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A server setting for this run, e.g. --set ingest.group-commit-max=500 (repeatable).")
  Map<String, String> serverSettings = new HashMap<>();

  private final String runId = "b" + System.currentTimeMillis();
  private final Instant start = Instant.now().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

  public static void main(String[] args) {
    System.exit(new CommandLine(new Benchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (rawStreams < 1) {
      throw new ParameterException(spec.commandLine(), "--raw-streams must be at least 1, not " + rawStreams);
    }
    JsonObject result = new JsonObject();
    double rawRules = rawRules();
    Double replay = cdnowReplay();
    String db = "rapport_bench_" + System.currentTimeMillis();
    String base = dbUrl.substring(0, dbUrl.indexOf('/', "jdbc:postgresql://".length()) + 1);
    String query = dbUrl.contains("?") ? dbUrl.substring(dbUrl.indexOf('?')) : "";
    try (Connection admin = DriverManager.getConnection(dbUrl); Statement st = admin.createStatement()) {
      st.execute("CREATE DATABASE " + db);
    }
    String benchUrl = base + db + query;
    Path dataDir = Files.createTempDirectory("rapport-bench");
    try {
      Map<String, String> settings = new HashMap<>();
      settings.put("data.dir", dataDir.toString());
      settings.put("db.url", benchUrl);
      if (partitions != null) {
        settings.put("ingest.partitions", String.valueOf(partitions));
      }
      settings.put("drop.dir", "off");
      settings.putAll(serverSettings);
      ServerProcess server = ServerProcess.start(settings,
          Arrays.stream(serverJavaOptions.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList(), dataDir);
      Load load = new Load(server, benchUrl);
      int serverPartitions = (int) ServerMeters.read(server.port()).value("rapport_ingest_partitions");
      Clients full = new Clients(concurrency, start, "", knownCustomers ? Math.max(1, history) : history);
      Clients half;
      double throughput;
      Latencies latency;
      long backlog;
      double drainSeconds;
      double warmupSeconds;
      double jitShare;
      long heapMb;
      JsonObject fullInside;
      JsonObject halfInside;
      Instant halfBegan;
      try {
        Warmup warm = new Warmup(Duration.ofSeconds(warmup), Duration.ofSeconds(warmupMax), server.compiler());
        throughput = load.closedLoop(full, warm, seconds);
        fullInside = load.lastWindow;
        warmupSeconds = warm.seconds();
        // what the compiler still cost the measurement: its share over the measured window
        jitShare = fullInside.getJsonObject("server_jvm").getDouble("jit_share");
        // Latency is measured in a steady state at half load, not while the server still sends
        // the actions the full load left behind.
        backlog = pendingActions(benchUrl);
        drainSeconds = drain(benchUrl);
        // the latency run's touchpoints come after the full load's, customer by customer
        half = new Clients(latencyClients, start.plusMillis(full.mostSent() + 1000), "-l", 0);
        latency = load.openLoop(half, throughput / 2, latencySeconds);
        halfInside = load.lastWindow;
        halfBegan = load.lastSamplesBegan;
        heapMb = server.heapUsedMb();
      } finally {
        load.close();
        server.close();
      }
      ConsistencyCheck check = consistency(benchUrl, List.of(full, half));
      double rawPgOneStream = rawPg(benchUrl, check, 1).rate();
      RawPg raw = rawPg(benchUrl, check, rawStreams);
      double rawPg = raw.rate();
      result.put("throughput", Math.round(throughput))
          .put("p50_ms", round(latency.percentileMs(0.5)))
          .put("p99_ms", round(latency.percentileMs(0.99)))
          .put("raw_pg", Math.round(rawPg))
          .put("raw_pg_streams", rawStreams)
          .put("raw_pg_one_stream", Math.round(rawPgOneStream))
          .put("raw_pg_cpu_us_per_touchpoint", raw.postgresMicros())
          .put("raw_pg_wal_bytes_per_touchpoint", raw.walBytes())
          .put("raw_rules", Math.round(rawRules))
          .put("ratio_pg", round(throughput / rawPg))
          .put("ratio_rules", round(throughput / rawRules))
          .put("replay", replay == null ? null : Math.round(replay))
          .put("actions_backlog", backlog)
          .put("drain_s", round(drainSeconds))
          // the work a touchpoint brings besides itself: a young population moves stages and gets mail more often
          .put("rows_per_touchpoint", new JsonObject()
              .put("customers", perTouchpoint(check.customers.rows(), check))
              .put("transitions", perTouchpoint(check.transitions.rows(), check))
              .put("actions", perTouchpoint(check.actions.rows(), check)))
          .put("consistent", check.consistent)
          .put("accepted", check.stored)
          .put("customers", customers)
          .put("partitions", serverPartitions)
          .put("seconds", seconds)
          .put("warmup_s", Math.round(warmupSeconds))
          .put("jit_share", round(jitShare))
          .put("heap_used_mb", heapMb)
          .put("inside_server", new JsonObject().put("full_load", fullInside).put("half_load", halfInside))
          // clustered times mean one stall (a checkpoint starting or syncing, a GC); spread ones, queueing
          .put("half_load_slowest", latency.slowest(10))
          .put("half_load_began_at", halfBegan.toString())
          .put("postgres", PostgresSettings.read(dbUrl).toJson());
      System.out.println(result.encode());
      return check.consistent ? 0 : 1;
    } finally {
      if (keep) {
        System.err.println("kept: database " + db + ", server data, settings and log (with its actions) in " + dataDir);
      } else {
        try (java.util.stream.Stream<Path> files = Files.walk(dataDir)) {
          files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        try (Connection admin = DriverManager.getConnection(dbUrl); Statement st = admin.createStatement()) {
          st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
      }
    }
  }

  /** Waits (two minutes at most) until the server has sent every pending action; returns the seconds it took. */
  private static double drain(String url) throws Exception {
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.MINUTES.toNanos(2);
    while (pendingActions(url) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static long pendingActions(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM actions WHERE status = 'pending'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Where a measured window's time went inside the server, from its own meters: a request's whole
   * time in the HTTP server (mean), the time from a touchpoint's arrival at its partition's queue
   * to its commit, and a group commit's write and size. Quantiles are bucket bounds. The stage
   * transitions and actions the rules decided per touchpoint say how much work the window's
   * touchpoints made: young customers move and get welcomed, settled ones mostly do not.
   */
  private static JsonObject inside(ServerMeters m) {
    double decided = m.value("rapport_touchpoints_total", "outcome=\"decided\"");
    return new JsonObject()
        .put("http_mean_ms", measuredOrNull(1000 * m.mean("vertx_http_server_response_time_seconds", "method=\"POST\"", "code=\"202\"")))
        .put("queue_to_commit_p50_ms", measuredOrNull(1000 * m.quantile("rapport_ingest_lag_seconds", 0.5)))
        .put("queue_to_commit_p99_ms", measuredOrNull(1000 * m.quantile("rapport_ingest_lag_seconds", 0.99)))
        .put("commit_mean_ms", measuredOrNull(1000 * m.mean("rapport_group_commit_seconds")))
        .put("commit_p99_ms", measuredOrNull(1000 * m.quantile("rapport_group_commit_seconds", 0.99)))
        .put("commit_touchpoints_mean", measuredOrNull(m.mean("rapport_group_commit_touchpoints")))
        .put("decision_mean_us", measuredOrNull(1e6 * m.mean("rapport_decision_seconds")))
        .put("transitions_per_touchpoint", measuredOrNull(m.value("rapport_stage_transitions_total") / decided, 3))
        .put("actions_per_touchpoint", measuredOrNull((m.value("rapport_actions_total", "outcome=\"created\"")
            + m.value("rapport_actions_total", "outcome=\"suppressed\"")) / decided, 3));
  }

  private static Long bytesPer(long bytes, long touchpoints) {
    return touchpoints == 0 ? null : Math.round((double) bytes / touchpoints);
  }

  private static Double microsPer(long nanos, long touchpoints) {
    return touchpoints == 0 ? null : round(nanos / 1000.0 / touchpoints);
  }

  /** A figure the server may not have: null rather than a made-up zero. */
  private static Double measuredOrNull(double v) {
    return measuredOrNull(v, 2);
  }

  private static Double measuredOrNull(double v, int decimals) {
    double scale = Math.pow(10, decimals);
    return Double.isFinite(v) ? Math.round(v * scale) / scale : null;
  }

  private int latencyBatch() {
    return latencyBatch == null ? batch : latencyBatch;
  }

  private static double perTouchpoint(long rows, ConsistencyCheck check) {
    return Math.round(1000.0 * rows / Math.max(1, check.touchpoints.rows())) / 1000.0;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /**
   * Clients that split the customers between them: client k of n sends only the customers c-i
   * with i % n == k, one request at a time, so each customer's touchpoints arrive in the order
   * they were generated.
   */
  private final class Clients {
    final TouchpointMix[] mixes;
    final long[] sent;
    private final Instant from;
    private final String suffix;
    private final int rounds;

    Clients(int n, Instant from, String suffix, int rounds) {
      this.from = from;
      this.suffix = suffix;
      this.rounds = rounds;
      mixes = new TouchpointMix[n];
      sent = new long[n];
      for (int k = 0; k < n; k++) {
        mixes[k] = mix(k);
      }
    }

    /** A fresh copy of client k's stream, from its first touchpoint. */
    TouchpointMix mix(int k) {
      return new TouchpointMix(42 + k, customers, runId + suffix, from, mixes.length, k, rounds);
    }

    int size() {
      return mixes.length;
    }

    synchronized long mostSent() {
      return Arrays.stream(sent).max().orElse(0);
    }

    /** Whether every client has sent each of its customers its rounds of history (always, without rounds). */
    synchronized boolean historySent() {
      for (int k = 0; k < mixes.length; k++) {
        if (sent[k] < mixes[k].inRounds()) {
          return false;
        }
      }
      return true;
    }

    Buffer nextBatch(int k, int size) {
      StringBuilder lines = new StringBuilder(size * 200);
      for (int i = 0; i < size; i++) {
        mixes[k].appendNextLine(lines);
      }
      synchronized (this) {
        sent[k] += size;
      }
      return Buffer.buffer(lines.toString());
    }
  }

  /** Touchpoints per second through the default rules, one thread, state in a map. */
  private double rawRules() {
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
  private static Double cdnowReplay() throws IOException {
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

  /** What the check found, and the rows a direct write needs, as CSV for {@code shares} streams. */
  private static final class ConsistencyCheck {
    boolean consistent;
    long stored;
    final CsvShares touchpoints;
    final CsvShares transitions;
    final CsvShares actions;
    final CsvShares customers;

    ConsistencyCheck(int shares) {
      touchpoints = new CsvShares(shares);
      transitions = new CsvShares(shares);
      actions = new CsvShares(shares);
      customers = new CsvShares(shares);
    }
  }

  /** Every accepted touchpoint stored once; every stage as a single-threaded replay has it. */
  private ConsistencyCheck consistency(String url, List<Clients> phases) throws Exception {
    ConsistencyCheck check = new ConsistencyCheck(rawStreams);
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
        for (long n = 0; n < phase.sent[k]; n++) {
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

  private static final List<String> TABLES = List.of("touchpoints", "customers", "stage_transitions", "actions");

  /** raw_pg's rate in touchpoints per second, and what it cost PostgreSQL per touchpoint. */
  private record RawPg(double rate, Double postgresMicros, Long walBytes) {}

  /**
   * The same rows written straight to PostgreSQL with COPY into copies of the tables (indexes
   * included), by {@code streams} connections at once, each its share of every table in one
   * transaction. The CSV text is made before the clock starts and every measurement starts after
   * a checkpoint: this is the storage's limit, not the client's.
   */
  private RawPg rawPg(String url, ConsistencyCheck rows, int streams) throws Exception {
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
      Double cpu = microsPer(CpuUse.postgresNow() - cpu0, touchpoints);
      Long wal = bytesPer(WalUse.read(st).bytesSince(wal0), touchpoints);
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

  /** The HTTP load: a closed loop for throughput, then an open loop at a fixed rate for latency. */
  private final class Load implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http;
    private final RequestOptions post;
    private final int port;
    private final long serverPid;
    private final CompilationMXBean serverCompiler;
    private final List<GarbageCollectorMXBean> serverCollectors;
    private final String dbUrl;
    /** Where the last measured window's time went (see {@link #inside}), with CPU and WAL per touchpoint. */
    private JsonObject lastWindow;
    /** When the last open loop's samples began, by the clock: lines its slowest requests up with other logs. */
    private Instant lastSamplesBegan;

    Load(ServerProcess server, String dbUrl) throws IOException {
      this.port = server.port();
      this.serverPid = server.pid();
      this.serverCompiler = server.compiler();
      this.serverCollectors = server.collectors();
      this.dbUrl = dbUrl;
      http = vertx.createHttpClient(
          new HttpClientOptions().setMaxPoolSize(Math.max(concurrency, latencyClients)).setKeepAlive(true));
      post = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/v1/touchpoints")
          .putHeader("Content-Type", "application/x-ndjson");
    }

    /** Sends until acknowledged: a 503 or a lost answer means the same batch again (ids make it safe). */
    private CompletableFuture<Long> send(Buffer body) {
      CompletableFuture<Long> accepted = new CompletableFuture<>();
      http.request(post).compose(r -> r.send(body)).compose(r -> r.body().map(b -> r.statusCode() == 202 ? b.toJsonObject() : null))
          .onComplete(ar -> {
            if (ar.succeeded() && ar.result() != null) {
              accepted.complete(ar.result().getLong("accepted"));
            } else {
              vertx.setTimer(200, id -> send(body).whenComplete((n, e) -> accepted.complete(n)));
            }
          });
      return accepted;
    }

    /** Every client as fast as the server answers; touchpoints per second over the measured window. */
    double closedLoop(Clients clients, Warmup warm, int measuredSeconds) throws Exception {
      AtomicLong counted = new AtomicLong();
      // begin and end are set once the warm-up is over; until then every answer counts as warm-up
      AtomicLong beginAt = new AtomicLong(Long.MAX_VALUE);
      AtomicLong endAt = new AtomicLong(Long.MAX_VALUE);
      CompletableFuture<?>[] done = new CompletableFuture<?>[clients.size()];
      for (int k = 0; k < clients.size(); k++) {
        int client = k;
        CompletableFuture<Void> f = new CompletableFuture<>();
        done[k] = f;
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
          if (System.nanoTime() >= endAt.get()) {
            f.complete(null);
            return;
          }
          send(clients.nextBatch(client, batch)).thenAccept(n -> {
            long now = System.nanoTime();
            if (now >= beginAt.get() && now < endAt.get()) {
              counted.addAndGet(n);
            }
            vertx.runOnContext(v -> loop[0].run());
          });
        };
        vertx.runOnContext(v -> loop[0].run());
      }
      long begin = warm.awaitEnd(clients::historySent);
      endAt.set(begin + TimeUnit.SECONDS.toNanos(measuredSeconds));
      beginAt.set(begin);
      Window window = new Window();
      CompletableFuture.allOf(done).get();
      window.end(counted.get());
      return counted.get() / (double) measuredSeconds;
    }

    /**
     * Requests at a fixed rate; latency from when each was due (queueing counts). The first
     * {@link Benchmark#LATENCY_LEAD_IN} of requests are sent at the same rate but not counted, so the
     * samples are of half load itself, not of the step down from full load.
     */
    Latencies openLoop(Clients clients, double touchpointsPerSecond, int measuredSeconds) throws Exception {
      double requestsPerSecond = touchpointsPerSecond / latencyBatch();
      long intervalNanos = (long) (1e9 / requestsPerSecond);
      Window window = new Window();
      long first = System.nanoTime();
      long t0 = first + LATENCY_LEAD_IN.toNanos();
      lastSamplesBegan = Instant.now().plus(LATENCY_LEAD_IN);
      long end = t0 + TimeUnit.SECONDS.toNanos(measuredSeconds);
      ConcurrentLinkedQueue<Latencies.Sample> latencies = new ConcurrentLinkedQueue<>();
      List<ArrayDequeQueue> queues = new ArrayList<>();
      for (int k = 0; k < clients.size(); k++) {
        queues.add(new ArrayDequeQueue(clients, k));
      }
      AtomicLong issued = new AtomicLong();
      AtomicBoolean finished = new AtomicBoolean();
      CompletableFuture<Void> done = new CompletableFuture<>();
      long timer = vertx.setPeriodic(1, id -> {
        long now = System.nanoTime();
        while (now < end && first + issued.get() * intervalNanos <= now) {
          long due = first + issued.getAndIncrement() * intervalNanos;
          queues.get((int) (issued.get() % clients.size())).offer(due, latencies);
        }
        if (now >= end && finished.compareAndSet(false, true)) {
          done.complete(null);
        }
      });
      done.get();
      vertx.cancelTimer(timer);
      for (ArrayDequeQueue q : queues) {
        q.drained().get(60, TimeUnit.SECONDS);
      }
      window.end((long) latencies.size() * latencyBatch());
      return new Latencies(latencies.stream()
          .filter(l -> l.dueNanos() >= t0)
          .map(l -> new Latencies.Sample(l.dueNanos() - t0, l.latencyNanos()))
          .toList());
    }

    /** One client's requests, one at a time, in order. */
    private final class ArrayDequeQueue {
      private final Clients clients;
      private final int client;
      private final java.util.ArrayDeque<Long> due = new java.util.ArrayDeque<>();
      private boolean busy;
      private CompletableFuture<Void> idle = CompletableFuture.completedFuture(null);

      ArrayDequeQueue(Clients clients, int client) {
        this.clients = clients;
        this.client = client;
      }

      synchronized void offer(long dueAt, ConcurrentLinkedQueue<Latencies.Sample> latencies) {
        due.add(dueAt);
        if (!busy) {
          busy = true;
          idle = new CompletableFuture<>();
          next(latencies);
        }
      }

      private synchronized void next(ConcurrentLinkedQueue<Latencies.Sample> latencies) {
        Long dueAt = due.poll();
        if (dueAt == null) {
          busy = false;
          idle.complete(null);
          return;
        }
        send(clients.nextBatch(client, latencyBatch())).thenAccept(n -> vertx.runOnContext(v -> {
          latencies.add(new Latencies.Sample(dueAt, System.nanoTime() - dueAt));
          next(latencies);
        }));
      }

      synchronized CompletableFuture<Void> drained() {
        return idle;
      }
    }

    /** The server's meters and everyone's CPU from now until {@link #end}. */
    private final class Window {
      private final ServerMeters meters = ServerMeters.read(port);
      private final CpuUse cpu = CpuUse.read(serverPid);
      private final WalUse wal = WalUse.read(dbUrl);
      private final JvmUse jvm = JvmUse.read(serverCompiler, serverCollectors);

      Window() throws Exception {}

      void end(long touchpoints) throws Exception {
        CpuUse used = CpuUse.read(serverPid).since(cpu);
        long logged = WalUse.read(dbUrl).bytesSince(wal);
        lastWindow = inside(ServerMeters.read(port).since(meters))
            .put("cpu_us_per_touchpoint", new JsonObject()
                .put("server", microsPer(used.serverNanos(), touchpoints))
                .put("load", microsPer(used.loadNanos(), touchpoints))
                .put("postgres", microsPer(used.postgresNanos(), touchpoints)))
            .put("wal_bytes_per_touchpoint", bytesPer(logged, touchpoints))
            .put("server_jvm", JvmUse.read(serverCompiler, serverCollectors).since(jvm));
      }
    }

    @Override
    public void close() throws Exception {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
