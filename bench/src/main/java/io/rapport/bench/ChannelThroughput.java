package io.rapport.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Pushes N touchpoints through each channel in turn (Kafka, RabbitMQ, MQTT, a drop-folder file, HTTP) into one
 * server and prints, per channel, touchpoints per second from the first publish until the server's
 * rapport_channel_messages_total{channel,outcome="accepted"} has counted all N. Kafka runs in this JVM (KRaft);
 * RabbitMQ and Mosquitto are the machine's.
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
  @Option(names = "--channels", defaultValue = "kafka,rabbitmq,mqtt,drop-folder,http", split = ",",
      description = "Channels to measure, in this order.")
  List<String> channels;
  @Option(names = "--server-java-options", defaultValue = "-Xms1g -Xmx1g -XX:+UseParallelGC")
  String serverJavaOptions;
  @Option(names = "--warmup", defaultValue = "1000",
      description = "Touchpoints sent through each channel first, not timed (consumer group joined, code compiled).")
  int warmup;

  private final String run = Long.toString(System.currentTimeMillis(), 36);
  private final Instant start = Instant.now().minus(Duration.ofDays(2));
  private final HttpClient http = HttpClient.newHttpClient();
  private int port;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ChannelThroughput()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
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
      settings.put("kafka.brokers", kafka.bootstrapServers());
      settings.put("kafka.touchpoints-topic", topic);
      settings.put("kafka.group", "bench-" + run);
      settings.put("amqp.uri", amqpUri);
      settings.put("amqp.touchpoints-queue", "rapport.bench." + run);
      settings.put("mqtt.url", mqttUrl);
      settings.put("mqtt.touchpoints-topic", "rapport-bench/" + run + "/touchpoints/#");
      settings.put("mqtt.dead-letter-topic", "rapport-bench/" + run + "/dead");
      settings.put("mqtt.client-id", "rapport-bench-" + run);
      try (ServerProcess server = ServerProcess.start(settings,
          List.of(serverJavaOptions.trim().split("\\s+")), dataDir)) {
        port = server.port();
        System.out.printf("%d touchpoints per channel over %d customers%n", touchpoints, customers);
        for (String channel : channels) {
          send(channel, 0, warmup, kafka.bootstrapServers(), topic, settings, dataDir);
          awaitAccepted(channel, warmup);
          long began = System.nanoTime();
          send(channel, warmup, warmup + touchpoints, kafka.bootstrapServers(), topic, settings, dataDir);
          awaitAccepted(channel, warmup + touchpoints);
          double seconds = (System.nanoTime() - began) / 1e9;
          System.out.printf("%-12s %,10.0f touchpoints/s  (%.1f s)%n", channel, touchpoints / seconds, seconds);
        }
      }
      try (Connection c = rabbit(); Channel ch = c.createChannel()) {
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

  /** Sends the touchpoints numbered [from, to) through {@code channel}. */
  private void send(String channel, int from, int to, String brokers, String topic, Map<String, String> settings,
      Path dataDir) throws Exception {
    switch (channel) {
      case "kafka" -> kafka(brokers, topic, from, to);
      case "rabbitmq" -> rabbitmq(settings.get("amqp.touchpoints-queue"), from, to);
      case "mqtt" -> mqtt("rapport-bench/" + run + "/touchpoints/", from, to);
      case "drop-folder" -> dropFile(dataDir.resolve("drop"), from, to);
      case "http" -> http(from, to);
      default -> throw new IllegalArgumentException("no channel " + channel);
    }
  }

  /** The i-th touchpoint of a channel: a purchase, its own id, one of the customers, a minute after the last. */
  private String touchpoint(String channel, int i) {
    return "{\"id\":\"" + channel + "-" + run + "-" + i + "\",\"customerId\":\"" + customer(i)
        + "\",\"type\":\"purchase\",\"occurredAt\":\"" + start.plusSeconds(i) + "\",\"channel\":\"web\","
        + "\"value\":12.5,\"currency\":\"EUR\"}";
  }

  private String customer(int i) {
    return "b-" + run + "-" + (i % customers);
  }

  private void kafka(String brokers, String topic, int from, int to) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int i = from; i < to; i++) {
        producer.send(new ProducerRecord<>(topic, customer(i), touchpoint("kafka", i)));
      }
      producer.flush();
    }
  }

  private Connection rabbit() throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(amqpUri);
    return f.newConnection();
  }

  private void rabbitmq(String queue, int from, int to) throws Exception {
    try (Connection c = rabbit(); Channel ch = c.createChannel()) {
      ch.queueDeclare(queue, true, false, false, null);
      ch.confirmSelect();
      for (int i = from; i < to; i++) {
        ch.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN,
            touchpoint("rabbitmq", i).getBytes(StandardCharsets.UTF_8));
        if (i % 1000 == 999) {
          ch.waitForConfirmsOrDie(60_000);
        }
      }
      ch.waitForConfirmsOrDie(60_000);
    }
  }

  /**
   * QoS 1 publishes, kept at most 500 ahead of what the server has stored: Mosquitto queues at most 1000 messages
   * for a subscriber by default and drops the rest.
   */
  private void mqtt(String topicPrefix, int from, int to) throws Exception {
    MqttClient client = new MqttClient(mqttUrl, "bench-pub-" + run, new MemoryPersistence());
    client.connect(new MqttConnectionOptions());
    try {
      for (int i = from; i < to; i++) {
        if (i % 100 == 0) {
          while (i - accepted("mqtt") > 500) {
            Thread.sleep(5);
          }
        }
        MqttMessage m = new MqttMessage(touchpoint("mqtt", i).getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        while (true) {
          try {
            client.publish(topicPrefix + customer(i), m);
            break;
          } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
            if (e.getReasonCode() != org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT) {
              throw e;
            }
            Thread.sleep(2); // the client's window is full: wait for an acknowledgement
          }
        }
      }
    } finally {
      client.disconnect();
      client.close();
    }
  }

  private void dropFile(Path drop, int from, int to) throws Exception {
    Files.createDirectories(drop);
    Path tmp = drop.resolve("bench.tmp");
    try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (int i = from; i < to; i++) {
        w.write(touchpoint("drop-folder", i));
        w.write('\n');
      }
    }
    Files.move(tmp, drop.resolve("bench-" + run + "-" + from + ".ndjson"));
  }

  /** Batches of 500 from 4 clients, as an integrator's bulk sender would. */
  private void http(int from, int to) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(4);
    AtomicInteger next = new AtomicInteger(from);
    List<Future<?>> done = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      done.add(clients.submit(() -> {
        for (int first = next.getAndAdd(500); first < to; first = next.getAndAdd(500)) {
          StringBuilder body = new StringBuilder();
          for (int i = first; i < Math.min(to, first + 500); i++) {
            body.append(touchpoint("http", i)).append('\n');
          }
          while (true) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v1/touchpoints")).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 202) {
              break;
            }
            if (r.statusCode() != 503) {
              throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
            }
            Thread.sleep(200);
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    clients.shutdown();
  }

  private void awaitAccepted(String channel, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (accepted(channel) < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(channel + ": only " + accepted(channel) + " of " + n + " accepted");
      }
      Thread.sleep(50);
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
