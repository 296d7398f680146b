package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rapport.engine.config.Settings;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rules directory is laid over the defaults at start, watched, and reloaded only when it passes. */
class RulesDirIT {

  @Test
  void aWatchedRulesDirectoryGoesLiveWhenItChangesAndPasses(@TempDir Path data) throws Exception {
    Path rules = Files.createDirectory(data.resolve("my-rules"));
    String vip = Api.resource("/vip.drl");
    Files.writeString(rules.resolve("vip.drl"), vip);
    try (Server server = Server.start(Settings.of(Map.of("http.port", "0", "data.dir", data.toString(),
        "rules.dir", rules.toString(), "rules.watch-interval", "PT0.2S", "drop.dir", "off",
        "admin.key", ServerContract.ADMIN_KEY)))) {
      Api api = new Api(server.port()).as(ServerContract.ADMIN_KEY);
      JsonObject first = api.get("/v1/rules").json();
      assertThat(first.getJsonArray("rules").getList()).contains("A big first order gets a thank-you call");

      Files.writeString(rules.resolve("vip.drl"), vip.replace("A big first order gets a thank-you call", "Big spenders get a call"));
      await().atMost(Duration.ofSeconds(10)).until(() ->
          api.get("/v1/rules").json().getJsonArray("rules").getList().contains("Big spenders get a call"));
      int version = api.get("/v1/rules").json().getInteger("version");
      assertThat(version).isGreaterThan(first.getInteger("version"));

      // A broken file is refused: the running rules stay as they are.
      Files.writeString(rules.resolve("vip.drl"), vip.replace("Customer(", "Custmer("));
      Thread.sleep(1_500); // several watch intervals
      JsonObject after = api.get("/v1/rules").json();
      assertThat(after.getInteger("version")).isEqualTo(version);
      assertThat(after.getJsonArray("rules").getList()).contains("Big spenders get a call");
    }
  }
}
