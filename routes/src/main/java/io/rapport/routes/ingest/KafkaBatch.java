package io.rapport.routes.ingest;

import io.rapport.messages.CanonicalTouchpoint;
import io.rapport.messages.RejectedInput;
import io.rapport.messages.TouchpointReader;
import io.rapport.messages.ValidTouchpoints;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll of Kafka records (camel-kafka's batching consumer): each record's value is a canonical touchpoint; the
 * valid ones become one batch for the engine, the others dead letters with their reasons. Offsets are committed,
 * per partition, only once the engine has answered; a batch that failed otherwise is read again from its first
 * offsets.
 */
public final class KafkaBatch {
  /** Exchange property: the batch's {@link DeadLetter}s. */
  public static final String DEAD_LETTERS = "RapportDeadLetters";
  private static final String COMMITS = "RapportKafkaCommits";
  private static final String FIRST_OFFSETS = "RapportKafkaFirstOffsets";
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBatch.class);
  private long rewindPauseMillis = 1000;

  /** How long the consumer waits before reading a failed batch again. */
  public void setRewindPauseMillis(long rewindPauseMillis) {
    this.rewindPauseMillis = rewindPauseMillis;
  }

  /** Replaces the body (the records' exchanges) with the valid touchpoints; keeps dead letters and offsets aside. */
  public void read(Exchange exchange) {
    List<?> records = exchange.getMessage().getBody(List.class);
    List<CanonicalTouchpoint> valid = new ArrayList<>();
    List<DeadLetter> dead = new ArrayList<>();
    Map<TopicPartition, KafkaManualCommit> last = new LinkedHashMap<>();
    Map<TopicPartition, Long> first = new LinkedHashMap<>();
    for (Object o : records == null ? List.of() : records) {
      Message record = ((Exchange) o).getMessage();
      KafkaManualCommit commit = record.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
      if (commit instanceof DefaultKafkaManualCommit c) {
        last.put(c.getPartition(), c);
        first.putIfAbsent(c.getPartition(), c.getRecordOffset());
      }
      byte[] value = record.getBody(byte[].class);
      String key = record.getHeader(KafkaConstants.KEY, String.class);
      try {
        if (value == null) {
          throw new RejectedInput(400, "the record has no value", null);
        }
        valid.add(TouchpointReader.parse(TouchpointReader.JSON, value, 1).get(0));
      } catch (RejectedInput e) {
        dead.add(new DeadLetter(key, value == null ? new byte[0] : value, BrokerMessage.reason(e)));
      }
    }
    exchange.setProperty(DEAD_LETTERS, dead);
    exchange.setProperty(COMMITS, List.copyOf(last.values()));
    exchange.setProperty(FIRST_OFFSETS, first);
    exchange.getMessage().removeHeaders("*");
    exchange.getMessage().setBody(new ValidTouchpoints(valid));
  }

  /** Commits, per partition, the offset after the batch's last record: the engine has answered for all of them. */
  public void commit(Exchange exchange) {
    List<?> commits = exchange.getProperty(COMMITS, List.class);
    for (Object c : commits == null ? List.of() : commits) {
      ((KafkaManualCommit) c).commit();
    }
  }

  /**
   * Sets the consumer back to the batch's first offsets, so that the next poll reads it again: nothing is committed
   * past a batch that was not handed over. Runs on the consumer's thread, which the consumer requires.
   */
  public void rewind(Exchange exchange) throws InterruptedException {
    Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    LOG.warn("a Kafka batch failed and will be read again in {} ms: {}", rewindPauseMillis, String.valueOf(cause));
    @SuppressWarnings("unchecked")
    Map<TopicPartition, Long> first = exchange.getProperty(FIRST_OFFSETS, Map.class);
    List<?> commits = exchange.getProperty(COMMITS, List.class);
    if (first == null || commits == null || commits.isEmpty()) {
      return;
    }
    Consumer<?, ?> consumer = ((DefaultKafkaManualCommit) commits.get(0)).getCamelExchangePayload().consumer;
    first.forEach(consumer::seek);
    Thread.sleep(rewindPauseMillis);
  }
}
