package io.rapport.engine.metrics;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The Kafka channel's consumer lag: the records of the touchpoints topic that the channel's group has not committed
 * yet, summed over the topic's partitions. The channel commits only once the touchpoints are stored, so this counts
 * the records still to be read and those read but not yet stored. Read with Kafka's own admin client: the group's
 * committed offsets and each partition's first and next offsets, three requests per read.
 */
public final class KafkaBacklog implements Backlog {
  private static final int RECONNECT_BACKOFF_MAX_MS = 10_000;
  private final String brokers;
  private final String topic;
  private final String group;
  private final Duration timeout;
  private Admin admin;

  /**
   * @param brokers kafka.brokers, as the channel's consumer takes it
   * @param topic kafka.touchpoints-topic
   * @param group kafka.group
   * @param timeout how long one read may wait for the broker
   */
  public KafkaBacklog(String brokers, String topic, String group, Duration timeout) {
    this.brokers = brokers;
    this.topic = topic;
    this.group = group;
    this.timeout = timeout;
  }

  @Override
  public String channel() {
    return "kafka";
  }

  @Override
  public long waiting() throws Exception {
    if (admin == null) {
      admin = Admin.create(config());
    }
    // the group's offsets are asked for while the topic's partitions are, then the partitions' first and next
    // offsets together; every answer is waited for within what is left of one timeout
    long deadline = System.nanoTime() + timeout.toNanos();
    KafkaFuture<Map<TopicPartition, OffsetAndMetadata>> committedFuture =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata();
    TopicDescription description = topic(deadline);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    description.partitions().forEach(p -> {
      latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
      earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
    });
    KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> endsFuture = admin.listOffsets(latest).all();
    KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> startsFuture = admin.listOffsets(earliest).all();
    Map<TopicPartition, OffsetAndMetadata> committed = within(deadline, committedFuture);
    Map<TopicPartition, ListOffsetsResultInfo> ends = within(deadline, endsFuture);
    Map<TopicPartition, ListOffsetsResultInfo> starts = within(deadline, startsFuture);
    long waiting = 0;
    for (TopicPartition partition : latest.keySet()) {
      waiting += waiting(committed.get(partition), starts.get(partition).offset(), ends.get(partition).offset());
    }
    return waiting;
  }

  /**
   * The records of one partition from where the group would read next to its end. Without a committed offset, the
   * channel (autoOffsetReset earliest) starts at the partition's first record; so it does past a committed offset
   * whose records retention has deleted.
   */
  static long waiting(OffsetAndMetadata committed, long start, long end) {
    long next = committed == null ? start : Math.max(committed.offset(), start);
    return Math.max(0, end - next);
  }

  private TopicDescription topic(long deadline) throws Exception {
    try {
      return within(deadline, admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) { // Kafka's words name no topic
        throw new IllegalStateException("the topic " + topic + " does not exist at " + brokers);
      }
      throw e;
    }
  }

  private Properties config() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    int millis = (int) timeout.toMillis();
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
    // while the brokers are down the client keeps trying to connect between reads, and Kafka warns of each try: a
    // try every ten seconds at most (instead of every second) keeps the log readable and costs a read's freshness
    // only in the first seconds after the brokers are back
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, RECONNECT_BACKOFF_MAX_MS);
    return p;
  }

  private <T> T within(long deadline, KafkaFuture<T> future) throws Exception {
    try {
      return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException("no answer from " + brokers + " within " + timeout.toMillis() + " ms");
    }
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(1));
      admin = null;
    }
  }

  @Override
  public String toString() {
    return "KafkaBacklog[" + topic + ", group " + group + "]";
  }
}
