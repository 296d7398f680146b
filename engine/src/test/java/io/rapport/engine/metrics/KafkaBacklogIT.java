package io.rapport.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rapport.engine.testing.InProcessKafka;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What KafkaBacklog counts, against an in-process KRaft broker, with the group's offsets set as a consumer would. */
class KafkaBacklogIT {
  private static InProcessKafka kafka;
  private final String group = "rapport-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = InProcessKafka.start();
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  @Test
  void aGroupThatHasCommittedNothingHasEveryRecordOfEveryPartitionWaiting() throws Exception {
    String topic = kafka.newTopic("touchpoints", 3);
    for (int i = 0; i < 9; i++) {
      kafka.send(topic, "c" + i, "{}");
    }
    try (KafkaBacklog backlog = backlog(topic)) {
      assertThat(backlog.waiting()).isEqualTo(9);
    }
  }

  @Test
  void theRecordsPastTheGroupsCommittedOffsetAreWaitingAndNoneOnceItCommittedTheEnd() throws Exception {
    String topic = kafka.newTopic("touchpoints", 1);
    for (int i = 0; i < 10; i++) {
      kafka.send(topic, "c", "{}");
    }
    try (KafkaBacklog backlog = backlog(topic)) {
      commit(topic, 4);
      assertThat(backlog.waiting()).isEqualTo(6);
      commit(topic, 10);
      assertThat(backlog.waiting()).isZero();
    }
  }

  @Test
  void aTopicThatDoesNotExistIsNamedRatherThanCountedAsEmpty() {
    try (KafkaBacklog backlog = backlog("no-such-topic-" + group)) {
      assertThatThrownBy(backlog::waiting).hasMessageContaining("the topic no-such-topic-" + group + " does not exist");
    }
  }

  private KafkaBacklog backlog(String topic) {
    return new KafkaBacklog(kafka.bootstrapServers(), topic, group, Duration.ofSeconds(10));
  }

  /** Commits the group's offset of the topic's partition 0, as the channel does once touchpoints are stored. */
  private void commit(String topic, long offset) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(offset)))
          .all().get();
    }
  }
}
