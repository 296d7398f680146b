package io.rapport.engine.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;

/** Opens the store: a connection pool on PostgreSQL or on the embedded H2, its schema brought up to date. */
public final class Database {
  /** Where the store is and how many connections it gets. */
  public record Options(String url, String user, String password, int poolSize, int flushAfterKb) {
    @Override
    public String toString() { // never the password
      return "Database.Options[" + url + ", user " + user + ", " + poolSize + " connections]";
    }
  }

  /** The longest a request waits for a connection: about the time a busy pool takes to free one. */
  static final long CONNECTION_TIMEOUT_MILLIS = 500;
  /** The longest one read from PostgreSQL's socket may wait, so that no thread waits forever on a lost server. */
  static final int SOCKET_TIMEOUT_SECONDS = 120;

  private Database() {}

  /** The JDBC URL of the embedded default: H2 files under the data directory. */
  public static String embeddedUrl(Path dataDir) {
    // WRITE_DELAY=0: a commit reaches the file before we answer 202, so kill -9 loses nothing.
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("rapport")
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
  }

  /**
   * Opens the pool and brings the schema up to date.
   *
   * @param registry nullable; pool metrics go there
   * @throws IllegalArgumentException for a URL of another database
   */
  public static JdbcStore open(Options options, MeterRegistry registry) {
    boolean postgres = options.url().startsWith("jdbc:postgresql:");
    if (!postgres && !options.url().startsWith("jdbc:h2:")) {
      throw new IllegalArgumentException("unsupported database URL (use jdbc:postgresql: or jdbc:h2:)");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres ? withBatchRewrite(options.url()) : options.url());
    if (!options.user().isEmpty()) {
      config.setUsername(options.user());
    }
    if (!options.password().isEmpty()) {
      config.setPassword(options.password());
    }
    config.setMaximumPoolSize(options.poolSize());
    config.setMinimumIdle(Math.min(options.poolSize(), 4));
    config.setPoolName("rapport");
    config.setAutoCommit(true);
    // A store that does not answer fails a request within a second (a 503 the client retries), not after ten.
    config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    if (postgres) {
      // Plan each statement once per connection, not at every execution: planning the group commit's statement
      // (seven WITH clauses) at every commit cost PostgreSQL about a quarter of its CPU per touchpoint where commits
      // are small. A generic plan does not know the tables' sizes, and made while a table was small it would join a
      // batch of keys against a full scan; Rapport's statements find rows by key, so full scans are off.
      config.setConnectionInitSql("SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off"
          + (options.flushAfterKb() > 0 ? "; SET backend_flush_after = '" + options.flushAfterKb() + "kB'" : ""));
    }
    config.setInitializationFailTimeout(10_000);
    if (registry != null) {
      config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    }
    HikariDataSource pool = new HikariDataSource(config);
    try {
      Migrations.migrate(pool, postgres ? Migrations.POSTGRESQL : Migrations.H2);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return postgres ? new PostgresStore(pool) : new H2Store(pool, options.url());
  }

  // Multi-row INSERTs instead of one round trip per row: the main lever of group commit. A socket timeout, so that a
  // connection to a server that vanished fails rather than hangs. Options given in the URL win.
  private static String withBatchRewrite(String url) {
    String out = url;
    if (!out.contains("reWriteBatchedInserts")) {
      out += (out.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
    }
    if (!out.contains("socketTimeout")) {
      out += "&socketTimeout=" + SOCKET_TIMEOUT_SECONDS;
    }
    return out;
  }
}
