package io.rapport.engine.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A one-node Kafka cluster (KRaft: one process is broker and controller) in the tests' JVM, built from Kafka's own
 * test kit at the version of the kafka-clients that camel-kafka brings; with a producer and a reader for tests.
 */
public final class InProcessKafka implements AutoCloseable {
  private final KafkaClusterTestKit cluster;
  private final KafkaProducer<String, String> producer;

  private InProcessKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /** Formats and starts the cluster; returns once its broker is ready. */
  public static InProcessKafka start() throws Exception {
    KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(
        new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
        // one node: the internal topics cannot have more replicas than that
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        // the consumer offsets' topic is made at a group's first join: one partition is made quickly
        .setConfigProp("offsets.topic.num.partitions", "1")
        .setConfigProp("num.partitions", "1")
        .build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new InProcessKafka(cluster);
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** host:port of the broker, as kafka.brokers takes it. */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** A topic of a name no other run uses, with {@code partitions} partitions. */
  public String newTopic(String prefix, int partitions) throws Exception {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }
    return name;
  }

  /** Sends a record and waits until the broker has it. */
  public void send(String topic, String key, String value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  /** Sends records without waiting for each; {@link #flush()} waits for them all. */
  public void sendAsync(String topic, String key, String value) {
    producer.send(new ProducerRecord<>(topic, key, value));
  }

  public void flush() {
    producer.flush();
  }

  /** Reads a topic from its beginning until {@code count} records came or {@code timeout} passed. */
  public List<ConsumerRecord<String, String>> read(String topic, int count, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, String>> got = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of(topic));
      long end = System.nanoTime() + timeout.toNanos();
      while (got.size() < count && System.nanoTime() < end) {
        c.poll(Duration.ofMillis(200)).forEach(got::add);
      }
    }
    return got;
  }

  @Override
  public void close() throws Exception {
    producer.close(Duration.ofSeconds(5));
    cluster.close();
  }
}
