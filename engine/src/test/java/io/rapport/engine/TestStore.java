package io.rapport.engine;

import io.rapport.engine.store.Database;
import io.rapport.engine.store.JdbcStore;
import java.nio.file.Files;

/** A store for one test, on embedded H2 or on a fresh PostgreSQL database, closed with its database. */
final class TestStore implements AutoCloseable {
  /** The server's default {@code db.flush-after-kb}. */
  static final int FLUSH_AFTER_KB = 2048;
  private final JdbcStore store;
  private final TestDatabase database;
  private final String url;

  private TestStore(JdbcStore store, TestDatabase database, String url) {
    this.store = store;
    this.database = database;
    this.url = url;
  }

  /** {@code backend} is {@code h2} or {@code postgresql}. */
  static TestStore open(String backend) throws Exception {
    return open(backend, FLUSH_AFTER_KB);
  }

  static TestStore open(String backend, int flushAfterKb) throws Exception {
    TestDatabase database = backend.equals("postgresql") ? TestDatabase.create() : null;
    String url = database != null ? database.url() : Database.embeddedUrl(Files.createTempDirectory("rapport-store"));
    try {
      return new TestStore(Database.open(url, "", "", 4, flushAfterKb, null), database, url);
    } catch (RuntimeException e) {
      if (database != null) {
        database.close();
      }
      throw e;
    }
  }

  JdbcStore store() {
    return store;
  }

  String url() {
    return url;
  }

  @Override
  public void close() throws Exception {
    try {
      store.close();
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }
}
