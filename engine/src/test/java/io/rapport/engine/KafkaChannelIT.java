package io.rapport.engine;

import io.rapport.engine.testing.InProcessKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The Kafka channel against an in-process KRaft broker: each test on topics and a group of its own. */
class KafkaChannelIT extends BrokerChannelContract {
  private static InProcessKafka kafka;
  private String topic;
  private String deadLetters;
  private String group;
  private final Deque<ConsumerRecord<String, String>> deadRead = new ArrayDeque<>();

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = InProcessKafka.start();
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  @BeforeEach
  void topics() throws Exception {
    topic = kafka.newTopic("touchpoints", 3);
    deadLetters = kafka.newTopic("dead", 1);
    group = "rapport-" + run;
  }

  @Override
  String channel() {
    return "kafka";
  }

  @Override
  Map<String, String> channelSettings() {
    return Map.of("kafka.brokers", kafka.bootstrapServers(), "kafka.touchpoints-topic", topic, "kafka.group", group,
        "kafka.dead-letter-topic", deadLetters);
  }

  @Override
  void publish(String customer, String body) throws Exception {
    kafka.send(topic, customer, body);
  }

  @Override
  DeadLetter nextDeadLetter(Duration timeout) {
    if (deadRead.isEmpty()) {
      deadRead.addAll(kafka.read(deadLetters, 2, timeout));
    }
    ConsumerRecord<String, String> r = deadRead.poll();
    if (r == null) {
      throw new AssertionError("no dead letter on " + deadLetters);
    }
    Header reason = r.headers().lastHeader("rapport-reason");
    return new DeadLetter(r.value(), reason == null ? null : new String(reason.value(), StandardCharsets.UTF_8));
  }
}
