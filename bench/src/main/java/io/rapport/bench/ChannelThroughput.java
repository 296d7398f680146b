package io.rapport.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Pushes N touchpoints through each channel in turn (Kafka, RabbitMQ, MQTT, NDJSON and CSV drop-folder files, HTTP
 * batches, signed webhook calls) into one server and prints, per channel, touchpoints per second from the first
 * send until the server's rapport_channel_messages_total{channel,outcome="accepted"} has counted all N. Kafka runs in
 * this JVM (KRaft); RabbitMQ and Mosquitto are the machine's.
 */
@Command(name = "channel-throughput", mixinStandardHelpOptions = true,
    description = "Touchpoints per second through each channel, measured on one server in one run.")
public final class ChannelThroughput implements Callable<Integer> {
  @Option(names = "--touchpoints", defaultValue = "100000", description = "Touchpoints per channel.")
  int touchpoints;
  @Option(names = "--customers", defaultValue = "10000", description = "Distinct customers they belong to.")
  int customers;
  @Option(names = "--db-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
      description = "PostgreSQL server; the run's database is created beside it and dropped afterwards.")
  String dbUrl;
  @Option(names = "--amqp-uri", defaultValue = "amqp://guest:guest@127.0.0.1:5672/%2F")
  String amqpUri;
  @Option(names = "--mqtt-url", defaultValue = "tcp://127.0.0.1:1883")
  String mqttUrl;
  @Option(names = "--channels", defaultValue = "kafka,rabbitmq,mqtt,drop-folder,csv,http,webhook", split = ",",
      description = "Channels to measure, in this order: ${DEFAULT-VALUE}.")
  List<String> channels;
  @Option(names = "--per-message", defaultValue = "1",
      description = "Touchpoints per RabbitMQ or MQTT message (a JSON array when above 1).")
  int perMessage;
  @Option(names = "--webhook-concurrency", defaultValue = "32", description = "Webhook calls in flight at once.")
  int webhookConcurrency;
  @Option(names = "--server-java-options", defaultValue = "-Xms1g -Xmx1g -XX:+UseParallelGC")
  String serverJavaOptions;
  @Option(names = "--warmup", defaultValue = "1000",
      description = "Touchpoints sent through each channel first, not timed (consumer group joined, code compiled).")
  int warmup;

  private final String run = Long.toString(System.currentTimeMillis(), 36);
  private final HttpClient http = HttpClient.newHttpClient();
  private ChannelSenders senders;
  private int port;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ChannelThroughput()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    senders = new ChannelSenders(run, customers, Instant.now().minus(Duration.ofDays(2)), perMessage);
    BenchDatabase db = BenchDatabase.create(dbUrl);
    Path dataDir = Files.createTempDirectory("rapport-channels");
    KafkaClusterTestKit kafka = startKafka();
    try {
      String topic = "rapport.bench." + run;
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
      }
      Map<String, String> settings = new HashMap<>();
      settings.put("data.dir", dataDir.toString());
      settings.put("db.url", db.url());
      settings.put("ingest.open", "true");
      settings.put("drop.dir", dataDir.resolve("drop").toString());
      settings.put("drop.poll-ms", "100");
      settings.put("kafka.brokers", kafka.bootstrapServers());
      settings.put("kafka.touchpoints-topic", topic);
      settings.put("kafka.group", "bench-" + run);
      settings.put("amqp.uri", amqpUri);
      settings.put("amqp.touchpoints-queue", "rapport.bench." + run);
      settings.put("mqtt.url", mqttUrl);
      settings.put("mqtt.touchpoints-topic", "rapport-bench/" + run + "/touchpoints/#");
      settings.put("mqtt.dead-letter-topic", "rapport-bench/" + run + "/dead");
      settings.put("mqtt.client-id", "rapport-bench-" + run);
      settings.put("webhooks.secrets", "bench=" + ChannelSenders.WEBHOOK_SECRET);
      try (ServerProcess server = ServerProcess.start(settings,
          List.of(serverJavaOptions.trim().split("\\s+")), dataDir)) {
        port = server.port();
        System.out.printf("%,d touchpoints per channel over %,d customers, %d per RabbitMQ/MQTT message%n",
            touchpoints, customers, perMessage);
        for (String channel : channels) {
          String counted = countedAs(channel);
          double before = accepted(counted);
          send(channel, 0, warmup, kafka.bootstrapServers(), topic, dataDir);
          awaitAccepted(counted, before + warmup);
          long began = System.nanoTime();
          send(channel, warmup, warmup + touchpoints, kafka.bootstrapServers(), topic, dataDir);
          awaitAccepted(counted, before + warmup + touchpoints);
          double seconds = (System.nanoTime() - began) / 1e9;
          System.out.printf("%-12s %,10.0f touchpoints/s  (%.1f s)%n", channel, touchpoints / seconds, seconds);
        }
      }
      try (Connection c = ChannelSenders.rabbit(amqpUri); Channel ch = c.createChannel()) {
        ch.queueDelete(settings.get("amqp.touchpoints-queue"));
        ch.queueDelete(settings.get("amqp.touchpoints-queue") + ".dlq");
      }
      return 0;
    } finally {
      kafka.close();
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
      db.drop();
    }
  }

  /** The channel label its touchpoints are counted under in rapport_channel_messages_total. */
  private static String countedAs(String channel) {
    return switch (channel) {
      case "csv" -> "drop-folder";
      case "webhook" -> "webhook:bench";
      default -> channel;
    };
  }

  /** Sends the touchpoints numbered [from, to) through {@code channel}. */
  private void send(String channel, int from, int to, String brokers, String topic, Path dataDir) throws Exception {
    switch (channel) {
      case "kafka" -> senders.kafka(brokers, topic, from, to);
      case "rabbitmq" -> senders.rabbitmq(amqpUri, "rapport.bench." + run, from, to);
      case "mqtt" -> senders.mqtt(mqttUrl, "rapport-bench/" + run + "/touchpoints/", from, to, this::acceptedOrZero);
      case "drop-folder" -> senders.ndjsonFile(dataDir.resolve("drop"), from, to);
      case "csv" -> senders.csvFile(dataDir.resolve("drop"), from, to);
      case "http" -> senders.httpBatches(port, from, to);
      case "webhook" -> senders.webhooks(port, webhookConcurrency, from, to);
      default -> throw new IllegalArgumentException("no channel " + channel);
    }
  }

  private void awaitAccepted(String channel, double n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (accepted(channel) < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(channel + ": only " + accepted(channel) + " of " + n + " accepted");
      }
      Thread.sleep(50);
    }
  }

  private double acceptedOrZero(String channel) {
    try {
      return accepted(channel);
    } catch (Exception e) {
      return 0;
    }
  }

  private double accepted(String channel) throws Exception {
    String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("rapport_channel_messages_total\\{channel=\"" + Pattern.quote(channel)
        + "\",outcome=\"accepted\"[^}]*} ([0-9.E+]+)").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static KafkaClusterTestKit startKafka() throws Exception {
    KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(
        new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("offsets.topic.num.partitions", "1")
        .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    return cluster;
  }
}
