package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rapport.engine.config.Settings;
import io.rapport.engine.testing.InProcessKafka;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kafka connector against an in-process broker: one record per action, keyed by customer id. */
class KafkaConnectorIT {
  private static final String ADMIN_KEY = "kafka-connector-admin-key";

  @Test
  void eachActionBecomesOneRecordKeyedByItsCustomerWithItsIdempotencyKey(@TempDir Path dir) throws Exception {
    try (InProcessKafka kafka = InProcessKafka.start()) {
      String topic = kafka.newTopic("rapport-actions", 3);
      Path rules = Files.createDirectories(dir.resolve("rules"));
      Files.writeString(rules.resolve("notice.drl"), Api.resource("/connectors-rules/notice.drl"));
      Map<String, String> values = new HashMap<>();
      values.put("http.port", "0");
      values.put("guard.quiet.enabled", "false"); // actions go out whatever the hour the test runs at
      values.put("guard.frequency.max", "0");
      values.put("data.dir", dir.resolve("data").toString());
      values.put("rules.dir", rules.toString());
      values.put("admin.key", ADMIN_KEY);
      values.put("kafka.brokers", kafka.bootstrapServers());
      values.put("kafka.actions-topic", topic);
      values.put("actions.connectors", "stream=kafka");
      values.put("outbox.poll-interval", "PT0.2S");
      values.put("rules.decision-timeout", "PT5S");
      try (Server server = Server.start(Settings.of(values))) {
        Api api = new Api(server.port()).as(ADMIN_KEY);
        Touchpoints tp = new Touchpoints(Clock.systemUTC());
        JsonArray batch = new JsonArray();
        for (String customer : List.of("k-ann", "k-bo", "k-ann")) {
          batch.add(tp.json("k-" + batch.size(), customer, "notice", Duration.ofMinutes(batch.size()))
              .put("properties", new JsonObject().put("on", "stream")));
        }
        assertThat(api.postJson(batch.encode()).status()).isEqualTo(202);
        List<ConsumerRecord<String, String>> records = kafka.read(topic, 3, Duration.ofSeconds(30));
        assertThat(records).hasSize(3);
        assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("k-ann", "k-bo", "k-ann");
        for (ConsumerRecord<String, String> r : records) {
          JsonObject value = new JsonObject(r.value());
          assertThat(value.getString("customerId")).isEqualTo(r.key());
          assertThat(value.containsKey("connector")).isFalse();
          assertThat(new String(r.headers().lastHeader("idempotencyKey").value(), StandardCharsets.UTF_8))
              .isEqualTo(value.getString("idempotencyKey"));
        }
        assertThat(records.stream().filter(r -> r.key().equals("k-ann")).map(ConsumerRecord::partition).distinct())
            .as("one customer's actions stay on one partition").hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> api.journey("k-ann").json().getJsonArray("actions")
            .stream().allMatch(a -> "sent".equals(((JsonObject) a).getString("status"))));
      }
    }
  }
}
