package io.rapport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class PostgresSettingsIT {
  private static final String PG = System.getProperty("rapport.test.pg", "jdbc:postgresql://127.0.0.1:5432/") + "test?user=postgres";

  @Test
  void everySettingThatSetsThePaceIsReportedWithItsUnit() throws Exception {
    JsonObject settings = PostgresSettings.read(PG).toJson();

    assertThat(settings.fieldNames()).containsExactlyElementsOf(PostgresSettings.NAMES);
    assertThat(settings.getString("shared_buffers")).matches("\\d+(kB|MB|GB|TB)");
    assertThat(settings.getString("checkpoint_timeout")).matches("\\d+(s|min|h)");
  }

  @Test
  void optionsInTheUrlShowAsTheRunsSettings() throws Exception {
    // the server connects with the benchmark's URL, so its sessions run with these options too
    String url = PG + "&options=-c%20synchronous_commit%3Doff%20-c%20wal_compression%3Dpglz";

    JsonObject settings = PostgresSettings.read(url).toJson();

    assertThat(settings.getString("synchronous_commit")).isEqualTo("off");
    assertThat(settings.getString("wal_compression")).isEqualTo("pglz");
    assertThat(PostgresSettings.read(PG).toJson().getString("synchronous_commit")).isNotEqualTo("off");
  }
}
