package io.rapport.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The benchmark command: measures Rapport on this machine against its own limits and prints one JSON line. */
@Command(name = "rapport-bench", mixinStandardHelpOptions = true, description = "Benchmark Rapport on this machine.")
public final class Benchmark implements Callable<Integer> {
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

  /** The key the load's clients send: the server is closed, as it is by default. */
  private final String ingestKey = java.util.UUID.randomUUID().toString();

  private final String runId = "b" + System.currentTimeMillis();
  private final Instant start = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);

  public static void main(String[] args) {
    System.exit(new CommandLine(new Benchmark()).execute(args));
  }

  /**
   * The limits without the server first, then HTTP throughput on PostgreSQL and latency at half
   * that load, the check that every accepted touchpoint is stored once and every customer's stage
   * equals a single-threaded replay, and the storage limit with the same rows; exits 1 when the
   * check fails.
   */
  @Override
  public Integer call() throws Exception {
    if (rawStreams < 1) {
      throw new ParameterException(spec.commandLine(), "--raw-streams must be at least 1, not " + rawStreams);
    }
    double rawRules = Limits.rawRules(customers, start);
    Double replay = Limits.cdnowReplay();
    BenchDatabase db = BenchDatabase.create(dbUrl);
    Path dataDir = Files.createTempDirectory("rapport-bench");
    try {
      ServerProcess server = ServerProcess.start(serverSettings(dataDir, db.url()),
          Arrays.stream(serverJavaOptions.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList(), dataDir);
      Load load = null;
      Clients full;
      Clients half;
      Report.LoadFigures measured;
      try { // everything after the server's start closes it, whatever fails
        load = new Load(server, db.url(), batch, latencyBatch(), Math.max(concurrency, latencyClients), ingestKey);
        int serverPartitions = (int) ServerMeters.read(server.port()).value("rapport_ingest_partitions");
        full = new Clients(concurrency, customers, runId, start, knownCustomers ? Math.max(1, history) : history);
        Warmup warm = new Warmup(Duration.ofSeconds(warmup), Duration.ofSeconds(warmupMax), server.compiler());
        double throughput = load.closedLoop(full, warm, seconds);
        JsonObject fullInside = load.lastWindow();
        double warmupSeconds = warm.seconds();
        // what the compiler still cost the measurement: its share over the measured window
        double jitShare = fullInside.getJsonObject("server_jvm").getDouble("jit_share");
        // Latency is measured in a steady state at half load, not while the server still sends
        // the actions the full load left behind.
        long backlog = db.pendingActions();
        double drainSeconds = db.drain();
        // the latency run's touchpoints come after the full load's, customer by customer
        half = new Clients(latencyClients, customers, runId + "-l", start.plusMillis(full.mostSent() + 1000), 0);
        Latencies latency = load.openLoop(half, throughput / 2, latencySeconds);
        measured = new Report.LoadFigures(serverPartitions, throughput, warmupSeconds, jitShare, fullInside, backlog,
            drainSeconds, latency, load.lastWindow(), load.lastSamplesBegan(), server.heapUsedMb());
      } finally {
        if (load != null) {
          load.close();
        }
        server.close();
      }
      ConsistencyCheck check = ConsistencyCheck.run(db.url(), List.of(full, half), rawStreams);
      double rawPgOneStream = Limits.rawPg(db.url(), check, 1).rate();
      Limits.RawPg rawPg = Limits.rawPg(db.url(), check, rawStreams);
      Report report = new Report(measured, rawRules, replay, rawPgOneStream, rawPg, rawStreams, check, customers, seconds,
          PostgresSettings.read(dbUrl));
      System.out.println(report.toJson().encode());
      return check.consistent ? 0 : 1;
    } finally {
      if (keep) {
        System.err.println("kept: database " + db.name() + ", server data, settings and log (with its actions) in " + dataDir);
      } else {
        try (Stream<Path> files = Files.walk(dataDir)) {
          files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        db.drop();
      }
    }
  }

  /** The server's settings for this run: its own data directory and database, no drop directory, then --set. */
  private Map<String, String> serverSettings(Path dataDir, String url) {
    Map<String, String> settings = new HashMap<>();
    settings.put("data.dir", dataDir.toString());
    settings.put("db.url", url);
    if (partitions != null) {
      settings.put("ingest.partitions", String.valueOf(partitions));
    }
    settings.put("drop.dir", "off");
    settings.put("ingest.key", ingestKey);
    settings.putAll(serverSettings);
    return settings;
  }

  private int latencyBatch() {
    return latencyBatch == null ? batch : latencyBatch;
  }
}
