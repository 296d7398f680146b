package io.rapport.engine;

import io.rapport.engine.config.Settings;
import io.rapport.engine.store.jdbc.Database;
import io.rapport.engine.store.jdbc.JdbcStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Opens stores for a test, on embedded H2 or on a fresh PostgreSQL database, and closes them with their databases
 * after it: {@code @RegisterExtension final TestStores stores = new TestStores();}.
 */
public final class TestStores implements AfterEachCallback {
  /** The server's default {@code db.flush-after-kb}. */
  static final int FLUSH_AFTER_KB = Settings.of(Map.of()).get(Settings.DB_FLUSH_AFTER_KB);
  private final List<AutoCloseable> opened = new ArrayList<>();

  /** {@code backend} is {@code h2} or {@code postgresql}. */
  public JdbcStore open(String backend) throws Exception {
    return open(backend, FLUSH_AFTER_KB);
  }

  public JdbcStore open(String backend, int flushAfterKb) throws Exception {
    String url;
    if (backend.equals("postgresql")) {
      TestDatabase database = TestDatabase.create();
      opened.add(database);
      url = database.url();
    } else {
      Path dir = Files.createTempDirectory("rapport-store");
      opened.add(() -> deleteTree(dir));
      url = Database.embeddedUrl(dir);
    }
    JdbcStore store = Database.open(new Database.Options(url, "", "", 4, flushAfterKb), null);
    opened.add(store);
    return store;
  }

  /** Closes this after the test, with the stores. */
  void closeAfter(AutoCloseable resource) {
    opened.add(resource);
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Closes the stores, then drops their databases and embedded stores' folders: the last opened first. */
  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception failed = null;
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    opened.clear();
    if (failed != null) {
      throw failed;
    }
  }
}
