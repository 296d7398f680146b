package io.rapport.engine.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;

/** Opens the store: a connection pool on PostgreSQL or embedded H2, migrated by Flyway. */
public final class Database {
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
   * @param flushAfterKb PostgreSQL's backend_flush_after for the pool's connections; 0 leaves the server's
   * @param registry nullable; pool metrics go there
   */
  public static JdbcStore open(String url, String user, String password, int poolSize, int flushAfterKb,
      MeterRegistry registry) {
    Dialect dialect = Dialect.of(url);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(dialect == Dialect.POSTGRESQL ? withBatchRewrite(url) : url);
    if (!user.isEmpty()) {
      config.setUsername(user);
    }
    if (!password.isEmpty()) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(Math.min(poolSize, 4));
    config.setPoolName("rapport");
    config.setAutoCommit(true);
    config.setConnectionTimeout(10_000);
    if (dialect == Dialect.POSTGRESQL) {
      // Plan each statement once per connection, not at every execution: planning the group
      // commit's statement (seven WITH clauses) at every commit cost PostgreSQL about a quarter of
      // its CPU per touchpoint at half load, where commits are small (benchmark, issue 5). A
      // generic plan does not know the tables' sizes; made while a table was small (a new
      // database, or no fresh statistics), it would join a batch of a few hundred keys against
      // a full scan of it. Rapport's statements find rows by key, so full scans are off; one
      // stays for reads no index serves.
      config.setConnectionInitSql("SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off"
          + (flushAfterKb > 0 ? "; SET backend_flush_after = '" + flushAfterKb + "kB'" : ""));
    }
    config.setInitializationFailTimeout(10_000);
    if (registry != null) {
      config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    }
    HikariDataSource pool = new HikariDataSource(config);
    try {
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:" + dialect.migrations)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new JdbcStore(pool, dialect);
  }

  // Multi-row INSERTs instead of one round trip per row: the main lever of group commit.
  private static String withBatchRewrite(String url) {
    if (url.contains("reWriteBatchedInserts")) {
      return url;
    }
    return url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
  }
}
