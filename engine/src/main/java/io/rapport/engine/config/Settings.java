package io.rapport.engine.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Every configuration key Rapport reads, declared once with its default, description and
 * validation. Values come from the defaults, then the config file, then environment variables.
 */
public final class Settings {
  private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9_-]*");
  private static final String AUTO = "auto";
  private static final int PARTITIONS_PER_CORE = 2;
  private static final int MOST_AUTO_PARTITIONS = 32;
  private static final int POOL_BEYOND_PARTITIONS = 8;

  public static final Setting<String> HTTP_HOST =
      text("http.host", "0.0.0.0", "Address the HTTP server binds to.");
  public static final Setting<Integer> HTTP_PORT =
      new Setting<>("http.port", "8080", "HTTP port for the API, ingestion and /metrics (0 picks a free port).", false,
          v -> range(Integer.parseInt(v), 0, 65535));
  public static final Setting<Path> DATA_DIR =
      new Setting<>("data.dir", "./data", "Directory for the embedded database, the drop folder and generated keys.", false,
          Path::of);
  public static final Setting<String> DB_URL =
      text("db.url", "", "JDBC URL of the store; empty means the embedded H2 database under data.dir. Use jdbc:postgresql://host:5432/db for PostgreSQL.");
  public static final Setting<String> DB_USER = text("db.user", "", "Database user.");
  public static final Setting<String> DB_PASSWORD =
      new Setting<>("db.password", "", "Database password.", true, v -> v);
  public static final Setting<Optional<Integer>> DB_POOL_SIZE =
      new Setting<>("db.pool-size", AUTO, "Connections in the database pool; auto is ingest.partitions + "
          + POOL_BEYOND_PARTITIONS + " (the relay, timers, API and gauges).", false,
          v -> v.equals(AUTO) ? Optional.empty() : Optional.of(range(parseIntOr(v, AUTO), 2, 200)));
  // Off by default, as PostgreSQL has it. A page a connection writes out of its buffers then waits
  // in the kernel's cache, and a page written again meanwhile (a hot index leaf, a customer) goes
  // to disk once. At 2048 the disk took twice the writes over a benchmark run (90 against 47 MB/s)
  // and PostgreSQL 17% more CPU per touchpoint, for no better latency at half load (issue 5). It is
  // for a server whose checkpoint syncs, which write those pages all at once, stall its commits.
  public static final Setting<Integer> DB_FLUSH_AFTER_KB =
      integer("db.flush-after-kb", "0", 0, 2048, "PostgreSQL only: the server's connections have the kernel write their data pages out every this many kB (PostgreSQL's backend_flush_after) rather than at a checkpoint's sync, all at once, at the price of more disk writes; 0 leaves PostgreSQL's setting.");
  // A partition is one thread that decides, then waits on its commit; while it waits another
  // partition's turn keeps the core busy, so two per core. On two cores that is four: two
  // partitions took more touchpoints per second in four pairs of benchmark runs out of five, but
  // answered later at half load in all three pairs that measured it, and latency is the target
  // still missed. A fixed four would leave most cores of a larger machine idle. At most 32: each
  // holds a connection, and PostgreSQL allows 100 by default.
  public static final Setting<Integer> PARTITIONS =
      new Setting<>("ingest.partitions", AUTO, "Partition workers: each decides its customers one touchpoint at a time, in order; auto is two per processor core, at most " + MOST_AUTO_PARTITIONS + ".", false,
          v -> v.equals(AUTO) ? autoPartitions(Runtime.getRuntime().availableProcessors()) : range(parseIntOr(v, AUTO), 1, 256));
  public static final Setting<Integer> GROUP_COMMIT_MAX =
      integer("ingest.group-commit-max", "2000", 1, 100_000, "Most touchpoints a partition writes in one transaction.");
  public static final Setting<Integer> MAX_IN_FLIGHT =
      integer("ingest.max-in-flight", "100000", 1, 10_000_000, "Touchpoints accepted but not yet committed; beyond it ingestion answers 503 with Retry-After.");
  public static final Setting<Integer> MAX_BATCH_ITEMS =
      integer("ingest.max-batch-items", "10000", 1, 1_000_000, "Most touchpoints in one request or drop-folder chunk; more is 413.");
  public static final Setting<Long> MAX_BODY_BYTES =
      new Setting<>("ingest.max-body-bytes", "16777216", "Largest request body in bytes; larger is 413.", false,
          v -> (long) range(Long.parseLong(v), 1024, Integer.MAX_VALUE));
  public static final Setting<Integer> CACHE_CUSTOMERS =
      integer("cache.customers", "1000000", 0, 100_000_000,
          "Customers kept in memory across all partitions, about 250 bytes of heap each (least recently used leave first).");
  public static final Setting<String> DROP_DIR =
      text("drop.dir", "", "Folder watched for .ndjson touchpoint files; empty means data.dir/inbox. Set to 'off' to disable.");
  public static final Setting<String> ROUTES_DIR =
      text("routes.dir", "", "Folder of extra Camel YAML routes loaded beside the default ones.");
  public static final Setting<String> WEBHOOK_URL =
      new Setting<>("webhook.url", "", "URL the webhook connector POSTs actions to.", true, v -> v);
  public static final Setting<Integer> WEBHOOK_TIMEOUT_MS =
      integer("webhook.timeout-ms", "10000", 100, 600_000, "Webhook connect and response timeout in milliseconds.");
  public static final Setting<String> ACTIONS_CONNECTOR =
      new Setting<>("actions.connector", "log", "Connector that delivers actions of every channel not named in actions.connectors (log or webhook).", false,
          Settings::word);
  public static final Setting<Map<String, String>> ACTIONS_CONNECTORS =
      new Setting<>("actions.connectors", "", "Connector per action channel, for example email=webhook,support=log.", false,
          Settings::pairs);
  public static final Setting<Integer> OUTBOX_MAX_ATTEMPTS =
      integer("outbox.max-attempts", "8", 1, 100, "Delivery attempts before an action is marked failed.");
  public static final Setting<Duration> OUTBOX_BACKOFF_INITIAL =
      duration("outbox.backoff-initial", "PT1S", "Wait before the first retry; doubles each attempt.");
  public static final Setting<Duration> OUTBOX_BACKOFF_MAX =
      duration("outbox.backoff-max", "PT10M", "Longest wait between two attempts.");
  public static final Setting<Duration> OUTBOX_POLL_INTERVAL =
      duration("outbox.poll-interval", "PT1S", "How often the outbox relay looks for due actions when nothing wakes it.");
  public static final Setting<Integer> OUTBOX_BATCH =
      integer("outbox.batch", "200", 1, 10_000, "Most actions in flight at once: the relay sends the next as each answer comes.");
  public static final Setting<Duration> TIMERS_POLL_INTERVAL =
      duration("timers.poll-interval", "PT1S", "How often due timers are looked for.");
  public static final Setting<Integer> TIMERS_BATCH =
      integer("timers.batch", "500", 1, 100_000, "Timers claimed and fired at once.");
  public static final Setting<String> INGEST_KEY =
      new Setting<>("ingest.key", "", "Key POST /v1/touchpoints requires (Authorization: Bearer KEY); empty leaves ingestion open.", true, v -> v);
  public static final Setting<String> ADMIN_KEY =
      new Setting<>("admin.key", "", "Key for admin endpoints (Authorization: Bearer KEY); empty means generate one in data.dir/admin.key at first start.", true, v -> v);
  public static final Setting<String> RULES_DIR =
      text("rules.dir", "", "Folder of DRL files (and .yaml scenarios) laid over the default rules; watched and reloaded when it changes.");
  public static final Setting<Duration> RULES_WATCH_INTERVAL =
      duration("rules.watch-interval", "PT2S", "How often rules.dir is checked for changes; a change goes live once the folder has stayed the same for one interval.");
  public static final Setting<Duration> METRICS_REFRESH =
      duration("metrics.refresh", "PT15S", "Least time between the beginnings of two censuses of the gauges computed from the store (customers per stage, timers pending); a census of a large store takes longer (see metrics.count-spacing).");
  public static final Setting<Integer> METRICS_COUNT_SPACING =
      integer("metrics.count-spacing", "100", 1, 100_000, "A census counts the store a slice (2 MiB of a table) at a time; after each slice the next waits this many times as long as the slice took: 100 keeps counting under 1% of one connection's time; 1 counts as fast as half a connection's time allows.");

  /** Every key, in the order the README documents them. */
  public static final List<Setting<?>> ALL =
      List.of(HTTP_HOST, HTTP_PORT, DATA_DIR, DB_URL, DB_USER, DB_PASSWORD, DB_POOL_SIZE, DB_FLUSH_AFTER_KB,
          PARTITIONS, GROUP_COMMIT_MAX, MAX_IN_FLIGHT, MAX_BATCH_ITEMS, MAX_BODY_BYTES,
          CACHE_CUSTOMERS, DROP_DIR, ROUTES_DIR, WEBHOOK_URL, WEBHOOK_TIMEOUT_MS,
          ACTIONS_CONNECTOR, ACTIONS_CONNECTORS, OUTBOX_MAX_ATTEMPTS, OUTBOX_BACKOFF_INITIAL,
          OUTBOX_BACKOFF_MAX, OUTBOX_POLL_INTERVAL, OUTBOX_BATCH, TIMERS_POLL_INTERVAL, TIMERS_BATCH, INGEST_KEY, ADMIN_KEY, RULES_DIR,
          RULES_WATCH_INTERVAL, METRICS_REFRESH, METRICS_COUNT_SPACING);

  /** The environment variable naming a config file; `--config` on the command line wins. */
  public static final String CONFIG_FILE_ENV = "RAPPORT_CONFIG";

  private final Map<String, String> raw;

  private Settings(Map<String, String> raw) {
    this.raw = raw;
  }

  /**
   * Reads defaults, then the config file (if any), then environment variables.
   *
   * @throws ConfigException naming the key on an unknown key or a bad value
   */
  public static Settings load(Map<String, String> env, Path configFile) {
    Map<String, String> raw = new LinkedHashMap<>();
    ALL.forEach(s -> raw.put(s.key(), s.defaultValue()));
    if (configFile != null) {
      Properties file = new Properties();
      try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
        file.load(r);
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + configFile + ": " + e.getMessage());
      }
      for (String name : file.stringPropertyNames()) {
        // A file may name a key either way: http.port or RAPPORT_HTTP_PORT.
        String key = ALL.stream().filter(s -> s.env().equals(name)).map(Setting::key).findFirst().orElse(name);
        if (!raw.containsKey(key)) {
          throw new ConfigException(configFile + ": unknown key '" + name + "'");
        }
        raw.put(key, file.getProperty(name));
      }
    }
    for (Setting<?> s : ALL) {
      String v = env.get(s.env());
      if (v != null) {
        raw.put(s.key(), v);
      }
    }
    Settings settings = new Settings(raw);
    ALL.forEach(settings::get); // validate every key now, not on first use
    settings.checkTogether();
    return settings;
  }

  /** Defaults only, with some keys set: for tests and tools. */
  public static Settings of(Map<String, String> values) {
    Map<String, String> env = new LinkedHashMap<>();
    values.forEach((k, v) -> env.put(byKey(k).env(), v));
    return load(env, null);
  }

  private static Setting<?> byKey(String key) {
    return ALL.stream()
        .filter(s -> s.key().equals(key))
        .findFirst()
        .orElseThrow(() -> new ConfigException("unknown key '" + key + "'"));
  }

  public <T> T get(Setting<T> setting) {
    return setting.parse(raw.get(setting.key()));
  }

  /** Connections in the database pool: db.pool-size, or enough for every partition and the rest. */
  public int poolSize() {
    return get(DB_POOL_SIZE).orElseGet(() -> get(PARTITIONS) + POOL_BEYOND_PARTITIONS);
  }

  private void checkTogether() {
    if (get(MAX_IN_FLIGHT) < get(MAX_BATCH_ITEMS)) {
      throw new ConfigException(
          MAX_IN_FLIGHT.key() + " must be at least " + MAX_BATCH_ITEMS.key()
              + ", or a full batch could never be accepted");
    }
    if (get(OUTBOX_BACKOFF_MAX).compareTo(get(OUTBOX_BACKOFF_INITIAL)) < 0) {
      throw new ConfigException(OUTBOX_BACKOFF_MAX.key() + " must not be shorter than " + OUTBOX_BACKOFF_INITIAL.key());
    }
    if (poolSize() < get(PARTITIONS) + 2) {
      throw new ConfigException(
          DB_POOL_SIZE.key() + " must be at least " + PARTITIONS.key() + " + 2 (one connection per partition, the relay and the API)");
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Settings[");
    for (Setting<?> s : ALL) {
      b.append(s.key()).append('=').append(s.secret() && !raw.get(s.key()).isEmpty() ? "****" : raw.get(s.key())).append(", ");
    }
    return b.append(']').toString();
  }

  private static Setting<String> text(String key, String def, String description) {
    return new Setting<>(key, def, description, false, v -> v);
  }

  private static Setting<Integer> integer(String key, String def, int min, int max, String description) {
    return new Setting<>(key, def, description, false, v -> range(parseInt(v), min, max));
  }

  private static Setting<Duration> duration(String key, String def, String description) {
    return new Setting<>(key, def, description, false, Settings::positiveDuration);
  }

  private static int parseInt(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("is not a whole number");
    }
  }

  static int autoPartitions(int cores) {
    return Math.min(PARTITIONS_PER_CORE * cores, MOST_AUTO_PARTITIONS);
  }

  private static int parseIntOr(String v, String word) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("is neither a whole number nor " + word);
    }
  }

  private static <N extends Number & Comparable<N>> N range(N value, long min, long max) {
    if (value.longValue() < min || value.longValue() > max) {
      throw new IllegalArgumentException("is outside " + min + ".." + max);
    }
    return value;
  }

  private static Duration positiveDuration(String v) {
    Duration d;
    try {
      d = Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("is not an ISO-8601 duration such as PT1S or PT10M");
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("must be longer than zero");
    }
    return d;
  }

  private static String word(String v) {
    if (!WORD.matcher(v).matches()) {
      throw new IllegalArgumentException("is not a connector name (lowercase word)");
    }
    return v;
  }

  private static Map<String, String> pairs(String v) {
    Map<String, String> map = new LinkedHashMap<>();
    if (v.isBlank()) {
      return map;
    }
    for (String pair : v.split(",")) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("needs channel=connector pairs separated by commas");
      }
      map.put(word(kv[0].trim()), word(kv[1].trim()));
    }
    return Map.copyOf(map);
  }
}
