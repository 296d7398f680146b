package io.rapport.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  @Test
  void defaultsRunTheEmbeddedServerOnPort8080() {
    Settings s = Settings.load(Map.of(), null);
    assertThat(s.get(Settings.HTTP_PORT)).isEqualTo(8080);
    assertThat(s.get(Settings.DB_URL)).isEmpty();
    assertThat(s.get(Settings.DATA_DIR)).isEqualTo(Path.of("./data"));
  }

  @Test
  void environmentVariablesOverrideTheConfigFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rapport.properties");
    Files.writeString(file, "http.port=9000\ningest.partitions=2\n");
    Settings s = Settings.load(Map.of("RAPPORT_HTTP_PORT", "9100"), file);
    assertThat(s.get(Settings.HTTP_PORT)).isEqualTo(9100);
    assertThat(s.get(Settings.PARTITIONS)).isEqualTo(2);
  }

  @Test
  void aBadValueIsRefusedNamingTheKeyAndItsVariable() {
    assertThatThrownBy(() -> Settings.load(Map.of("RAPPORT_HTTP_PORT", "eighty"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port")
        .hasMessageContaining("RAPPORT_HTTP_PORT")
        .hasMessageContaining("'eighty'");
    assertThatThrownBy(() -> Settings.load(Map.of("RAPPORT_HTTP_PORT", "70000"), null))
        .hasMessageContaining("outside 0..65535");
    assertThatThrownBy(() -> Settings.load(Map.of("RAPPORT_OUTBOX_BACKOFF_INITIAL", "1s"), null))
        .hasMessageContaining("ISO-8601 duration");
    assertThatThrownBy(() -> Settings.load(Map.of("RAPPORT_DB_FLUSH_AFTER_KB", "4096"), null))
        .as("PostgreSQL allows 2 MiB at most").hasMessageContaining("outside 0..2048");
  }

  @Test
  void aConfigFileMayUseTheEnvironmentVariableNamesToo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rapport.properties");
    Files.writeString(file, "RAPPORT_DB_URL=jdbc:postgresql://db:5432/rapport\nRAPPORT_DB_USER=rapport\n");
    Settings s = Settings.load(Map.of(), file);
    assertThat(s.get(Settings.DB_URL)).isEqualTo("jdbc:postgresql://db:5432/rapport");
    assertThat(s.get(Settings.DB_USER)).isEqualTo("rapport");
  }

  @Test
  void anUnknownKeyInTheConfigFileIsATypoAndRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rapport.properties");
    Files.writeString(file, "http.prot=9000\n");
    assertThatThrownBy(() -> Settings.load(Map.of(), file)).hasMessageContaining("unknown key 'http.prot'");
  }

  @Test
  void partitionsDefaultToTwoPerCoreAndThePoolToOneConnectionEachPlusEight() {
    int cores = Runtime.getRuntime().availableProcessors();
    Settings s = Settings.load(Map.of(), null);
    assertThat(s.get(Settings.PARTITIONS)).isEqualTo(2 * cores);
    assertThat(s.poolSize()).isEqualTo(2 * cores + 8);
    assertThat(Settings.autoPartitions(64)).as("one connection each, within PostgreSQL's default 100").isEqualTo(32);
    Settings more = Settings.of(Map.of("ingest.partitions", "16"));
    assertThat(more.poolSize()).isEqualTo(24);
    Settings fixed = Settings.of(Map.of("ingest.partitions", "auto", "db.pool-size", "40"));
    assertThat(fixed.get(Settings.PARTITIONS)).isEqualTo(2 * cores);
    assertThat(fixed.poolSize()).isEqualTo(40);
  }

  @Test
  void partitionsAndPoolSizeAreNumbersOrAuto() {
    assertThatThrownBy(() -> Settings.of(Map.of("ingest.partitions", "cores")))
        .hasMessageContaining("ingest.partitions").hasMessageContaining("neither a whole number nor auto");
    assertThatThrownBy(() -> Settings.of(Map.of("db.pool-size", "many")))
        .hasMessageContaining("db.pool-size").hasMessageContaining("neither a whole number nor auto");
    assertThatThrownBy(() -> Settings.of(Map.of("ingest.partitions", "0")))
        .hasMessageContaining("outside 1..256");
  }

  @Test
  void settingsThatContradictEachOtherAreRefused() {
    assertThatThrownBy(() -> Settings.load(Map.of("RAPPORT_INGEST_PARTITIONS", "16", "RAPPORT_DB_POOL_SIZE", "8"), null))
        .hasMessageContaining("db.pool-size");
    assertThatThrownBy(() -> Settings.of(Map.of("outbox.backoff-initial", "PT1H", "outbox.backoff-max", "PT1M")))
        .hasMessageContaining("outbox.backoff-max");
  }

  @Test
  void secretsNeverAppearInMessagesOrToString() {
    Settings s = Settings.of(Map.of("db.password", "hunter2", "webhook.url", "https://x/?token=abc"));
    assertThat(s.toString()).doesNotContain("hunter2").doesNotContain("token=abc");
    assertThat(s.get(Settings.OUTBOX_BACKOFF_MAX)).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void connectorsPerChannelAreParsedFromPairs() {
    Settings s = Settings.of(Map.of("actions.connectors", "email=webhook, support=log"));
    assertThat(s.get(Settings.ACTIONS_CONNECTORS)).containsEntry("email", "webhook").containsEntry("support", "log");
    assertThatThrownBy(() -> Settings.of(Map.of("actions.connectors", "email")))
        .hasMessageContaining("channel=connector");
  }

  @Test
  void eachValueIsParsedOnceAtStartIntoThePartsOptions() {
    Settings s = Settings.of(Map.of("webhook.timeout-ms", "2000", "ingest.partitions", "3", "timers.batch", "7"));
    assertThat(s.ingest().partitions()).isEqualTo(3);
    assertThat(s.outbox().deliveryTimeout()).as("the webhook's timeout and 5 s for the route").isEqualTo(Duration.ofSeconds(7));
    assertThat(s.outbox().lease()).as("5 s more than the wait for an answer").isEqualTo(Duration.ofSeconds(12));
    assertThat(s.timers().batch()).isEqualTo(7);
    assertThat(s.database().url()).startsWith("jdbc:h2:file:");
    assertThat(s.database().toString()).doesNotContain("password");
  }

  @Test
  void theTableOfTheDocumentationNamesEveryKeyItsVariableAndDefault() {
    String table = Settings.table();
    for (Setting<?> s : Settings.ALL) {
      assertThat(table).as(s.key()).contains("| `" + s.key() + "` | `" + s.env() + "` |");
    }
    assertThat(table.lines().count()).isEqualTo(Settings.ALL.size() + 2);
  }

  @Test
  void anMqttDeadLetterTopicTheFilterMatchesIsRefused() {
    assertThatThrownBy(() -> Settings.of(Map.of("mqtt.touchpoints-topic", "shop/+/events/#",
        "mqtt.dead-letter-topic", "shop/eu/events/dead")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mqtt.dead-letter-topic");
    assertThat(Settings.of(Map.of("mqtt.touchpoints-topic", "shop/+/events", "mqtt.dead-letter-topic",
        "shop/eu/events/dead")).get(Settings.MQTT_DEAD_LETTER_TOPIC)).isEqualTo("shop/eu/events/dead");
  }

  @Test
  void aKafkaPollLargerThanTheEngineTakesIsRefused() {
    assertThatThrownBy(() -> Settings.of(Map.of("kafka.max-poll-records", "600", "ingest.max-batch-items", "500")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.max-poll-records");
  }

  @Test
  void theAmqpUriIsASecretAndBrokerNamesHaveNoSpaces() {
    Settings s = Settings.of(Map.of("amqp.uri", "amqp://app:hunter2@mq:5672/%2F"));
    assertThat(s.toString()).doesNotContain("hunter2");
    assertThatThrownBy(() -> Settings.of(Map.of("kafka.touchpoints-topic", "my topic")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.touchpoints-topic");
  }

  @Test
  void webhookSecretsArePairsOfASourceAndASecretThatNoMessageShows() {
    Settings s = Settings.of(Map.of("webhooks.secrets", "shopify=shpss_abc, nps=n0t-s4id"));
    assertThat(s.get(Settings.WEBHOOKS_SECRETS)).containsEntry("shopify", "shpss_abc").containsEntry("nps", "n0t-s4id");
    assertThat(s.toString()).doesNotContain("shpss_abc").doesNotContain("n0t-s4id");
    assertThat(s.forRoutes().toString()).doesNotContain("shpss_abc");
    assertThatThrownBy(() -> Settings.of(Map.of("webhooks.secrets", "shopify=shpss_abc,Stripe/x=whsec_1")))
        .hasMessageContaining("webhooks.secrets").hasMessageContaining("source=secret")
        .hasMessageNotContaining("shpss_abc").hasMessageNotContaining("whsec_1");
    assertThatThrownBy(() -> Settings.of(Map.of("webhooks.secrets", "rapport=x"))).hasMessageContaining("'rapport'");
    assertThatThrownBy(() -> Settings.of(Map.of("webhooks.secrets", "nps=")))
        .hasMessageContaining("secret not empty");
  }
}
