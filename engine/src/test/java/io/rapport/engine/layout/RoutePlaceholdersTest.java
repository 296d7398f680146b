package io.rapport.engine.layout;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.engine.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every {{rapport.KEY}} placeholder of the default routes is a declared setting, so it has its default there. */
class RoutePlaceholdersTest {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(rapport\\.[a-z0-9.-]+)(:[^}]*)?}}");

  @Test
  void everyPlaceholderOfTheDefaultRoutesIsASettingTheRoutesGet() throws IOException {
    Properties given = Settings.of(Map.of()).forRoutes();
    List<String> unknown = new ArrayList<>();
    int seen = 0;
    try (Stream<Path> files = Files.list(Path.of("../routes/src/main/resources/rapport/routes"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        Matcher m = PLACEHOLDER.matcher(Files.readString(f));
        while (m.find()) {
          seen++;
          if (!given.containsKey(m.group(1))) {
            unknown.add(f.getFileName() + ": " + m.group());
          }
          if (m.group(2) != null) {
            unknown.add(f.getFileName() + ": " + m.group() + " has a default of its own; declare it in Settings");
          }
        }
      }
    }
    assertThat(seen).isPositive();
    assertThat(unknown).isEmpty();
  }

  @Test
  void theKeysAndTheDatabasePasswordAreKeptFromTheRoutes() {
    Properties given = Settings.of(Map.of("db.password", "hunter2", "admin.key", "k", "ingest.key", "i",
        "read.key", "r", "admin.keys", "alice:a")).forRoutes();
    for (String kept : new String[] {"db.password", "admin.key", "ingest.key", "read.key", "admin.keys"}) {
      assertThat(given).doesNotContainKey("rapport." + kept);
    }
    assertThat(given.values()).doesNotContain("hunter2", "k", "i", "r", "alice:a");
    assertThat(given).containsKey("rapport.webhook.url").containsKey("rapport.ingest.max-batch-items");
  }

  @Test
  void theDropFolderIsTheDataDirectorysInboxUnlessSetOrOff() {
    assertThat(Settings.of(Map.of("data.dir", "/srv/rapport")).forRoutes().getProperty("rapport.drop.dir"))
        .isEqualTo(Path.of("/srv/rapport/inbox").toString());
    assertThat(Settings.of(Map.of("drop.dir", "off")).forRoutes().getProperty("rapport.drop.dir")).isEmpty();
    assertThat(Settings.of(Map.of("drop.dir", "/in")).forRoutes().getProperty("rapport.drop.dir")).isEqualTo("/in");
  }
}
