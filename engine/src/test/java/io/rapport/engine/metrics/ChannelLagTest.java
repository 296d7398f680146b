package io.rapport.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The lag gauge's schedule, failures and shutdown, with a stand-in for a broker, and with the real clients against a
 * port where no broker listens. The counts against real brokers are in KafkaBacklogIT, KafkaChannelIT and
 * RabbitMqChannelIT.
 */
class ChannelLagTest {
  private static final Duration OFTEN = Duration.ofMillis(20);
  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(ChannelLag.class);
  private ChannelLag lag;

  @BeforeEach
  void listen() {
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void close() {
    if (lag != null) {
      lag.stop();
    }
    logger.detachAppender(log);
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aScrapeShowsTheLatestReadingAndAsksTheBrokerNothing() {
    BrokerStandIn broker = new BrokerStandIn("kafka");
    broker.waiting = 7;
    lag = start(Duration.ofHours(1), broker);
    await().atMost(Duration.ofSeconds(10)).until(() -> gauge("kafka") == 7);
    broker.waiting = 9;
    for (int scrape = 0; scrape < 1000; scrape++) {
      assertThat(gauge("kafka")).isEqualTo(7);
    }
    assertThat(broker.reads).hasValue(1);
  }

  @Test
  void aBrokerThatCannotBeReadShowsNaNIsWarnedOfOnceAndIsCountedAgainOnceItAnswers() {
    BrokerStandIn broker = new BrokerStandIn("rabbitmq");
    broker.down = true;
    lag = start(OFTEN, broker);
    await().atMost(Duration.ofSeconds(10)).until(() -> broker.reads.get() >= 10);
    assertThat(gauge("rabbitmq")).isNaN();
    assertThat(warnings()).hasSize(1).first().asString()
        .contains("rabbitmq broker", "no route to the broker", "rapport_channel_lag{channel=\"rabbitmq\"} is NaN");

    broker.waiting = 3;
    broker.down = false;
    await().atMost(Duration.ofSeconds(10)).until(() -> gauge("rabbitmq") == 3);
    broker.down = true;
    await().atMost(Duration.ofSeconds(10)).until(() -> Double.isNaN(gauge("rabbitmq")));
    assertThat(warnings()).as("warned again: it had answered in between").hasSize(2);
  }

  @Test
  void eachChannelHasItsOwnSeriesAndOneBrokerDownLeavesTheOtherCounted() {
    BrokerStandIn kafka = new BrokerStandIn("kafka");
    BrokerStandIn rabbitmq = new BrokerStandIn("rabbitmq");
    kafka.down = true;
    rabbitmq.waiting = 4;
    lag = start(OFTEN, kafka, rabbitmq);
    await().atMost(Duration.ofSeconds(10)).until(() -> gauge("rabbitmq") == 4);
    assertThat(gauge("kafka")).isNaN();
  }

  @Test
  void stoppingClosesTheBrokersClientsAndLeavesNoThreadBehind() {
    BrokerStandIn broker = new BrokerStandIn("kafka");
    lag = start(OFTEN, broker);
    await().atMost(Duration.ofSeconds(10)).until(() -> broker.reads.get() >= 3);
    lag.stop();
    lag = null;
    assertThat(broker.closed).isTrue();
    int reads = broker.reads.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> threads(ChannelLag.POOL).isEmpty());
    assertThat(broker.reads).as("no read after the stop").hasValue(reads);
  }

  @Test
  void kafkasAdminClientIsClosedWithTheGaugeEvenWhenNoBrokerEverAnswered() throws Exception {
    lag = start(OFTEN, new KafkaBacklog("127.0.0.1:" + closedPort(), "touchpoints", "rapport", Duration.ofMillis(300)));
    await().atMost(Duration.ofSeconds(10)).until(() -> !threads("kafka-admin-client-thread").isEmpty());
    await().atMost(Duration.ofSeconds(10)).until(() -> !warnings().isEmpty());
    assertThat(gauge("kafka")).isNaN();
    lag.stop();
    lag = null;
    await().atMost(Duration.ofSeconds(10)).until(() -> threads("kafka-admin-client-thread").isEmpty());
  }

  @Test
  void theWarningOfAnUnreachableRabbitMqNeverShowsThePasswordInItsUri() throws Exception {
    lag = start(OFTEN, new RabbitMqBacklog("amqp://rapport:s3cret@127.0.0.1:" + closedPort() + "/%2F", "touchpoints",
        Duration.ofMillis(300)));
    await().atMost(Duration.ofSeconds(10)).until(() -> !warnings().isEmpty());
    assertThat(gauge("rabbitmq")).isNaN();
    lag.stop();
    lag = null;
    SimpleMeterRegistry other = new SimpleMeterRegistry();
    lag = new ChannelLag(vertx, other, OFTEN,
        List.of(new RabbitMqBacklog("amqp://rapport:s3cret word@127.0.0.1/%2F", "touchpoints", Duration.ofMillis(300))));
    lag.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> warnings().size() == 2);
    assertThat(warnings()).allSatisfy(w -> assertThat(w.getFormattedMessage()).doesNotContain("s3cret"));
    assertThat(warnings().get(1).getFormattedMessage()).contains("amqp.uri is not an AMQP URI");
  }

  @Test
  void aPartitionWithoutACommittedOffsetCountsFromItsFirstRecordAsTheChannelWouldReadIt() {
    assertThat(KafkaBacklog.waiting(null, 0, 12)).isEqualTo(12);
    assertThat(KafkaBacklog.waiting(null, 5, 12)).as("retention deleted the first five").isEqualTo(7);
    assertThat(KafkaBacklog.waiting(new OffsetAndMetadata(10), 0, 12)).isEqualTo(2);
    assertThat(KafkaBacklog.waiting(new OffsetAndMetadata(3), 5, 12)).as("committed before retention's cut").isEqualTo(7);
    assertThat(KafkaBacklog.waiting(new OffsetAndMetadata(12), 0, 12)).isZero();
  }

  private ChannelLag start(Duration interval, Backlog... backlogs) {
    ChannelLag started = new ChannelLag(vertx, registry, interval, List.of(backlogs));
    started.start();
    return started;
  }

  private double gauge(String channel) {
    return registry.get(ChannelLag.METRIC).tag("channel", channel).gauge().value();
  }

  private List<ILoggingEvent> warnings() {
    synchronized (log.list) {
      return log.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }
  }

  private static List<String> threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith(prefix)).toList();
  }

  /** A port nothing listens on, so that a connection is refused at once. */
  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A broker whose count, and whether it answers, the test sets. */
  private static final class BrokerStandIn implements Backlog {
    private final String channel;
    final AtomicInteger reads = new AtomicInteger();
    volatile long waiting;
    volatile boolean down;
    volatile boolean closed;

    BrokerStandIn(String channel) {
      this.channel = channel;
    }

    @Override
    public String channel() {
      return channel;
    }

    @Override
    public long waiting() throws Exception {
      reads.incrementAndGet();
      if (down) {
        throw new java.net.ConnectException("no route to the broker");
      }
      return waiting;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
