package io.rapport.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import java.io.BufferedWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * How the channel benchmark sends touchpoints numbered [from, to) through each channel, the way an integrator's
 * sender would: a Kafka producer keyed by customer, persistent RabbitMQ messages with publisher confirms, QoS 1 MQTT
 * publishes, an NDJSON or CSV file moved into the drop folder, NDJSON batches over HTTP, signed webhook calls.
 */
final class ChannelSenders {
  static final String WEBHOOK_SECRET = "bench-webhook-secret";
  private final String run;
  private final int customers;
  private final Instant start;
  private final int perMessage;
  private final HttpClient http = HttpClient.newHttpClient();

  /**
   * @param perMessage touchpoints per RabbitMQ or MQTT message (a JSON array when above 1)
   */
  ChannelSenders(String run, int customers, Instant start, int perMessage) {
    this.run = run;
    this.customers = customers;
    this.start = start;
    this.perMessage = perMessage;
  }

  /** The i-th touchpoint of a channel: a purchase, its own id, one of the customers, a second after the last. */
  String touchpoint(String channel, int i) {
    return "{\"id\":\"" + channel + "-" + run + "-" + i + "\",\"customerId\":\"" + customer(i)
        + "\",\"type\":\"purchase\",\"occurredAt\":\"" + start.plusSeconds(i) + "\",\"channel\":\"web\","
        + "\"value\":12.5,\"currency\":\"EUR\"}";
  }

  String customer(int i) {
    return "b-" + run + "-" + (i % customers);
  }

  /** One message's body: the touchpoint i alone, or the array of touchpoints [i, i + perMessage) below {@code to}. */
  private String message(String channel, int i, int to) {
    if (perMessage == 1) {
      return touchpoint(channel, i);
    }
    StringBuilder array = new StringBuilder("[");
    for (int j = i; j < Math.min(to, i + perMessage); j++) {
      array.append(j == i ? "" : ",").append(touchpoint(channel, j));
    }
    return array.append(']').toString();
  }

  void kafka(String brokers, String topic, int from, int to) {
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

  static Connection rabbit(String amqpUri) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(amqpUri);
    return f.newConnection();
  }

  void rabbitmq(String amqpUri, String queue, int from, int to) throws Exception {
    try (Connection c = rabbit(amqpUri); Channel ch = c.createChannel()) {
      ch.queueDeclare(queue, true, false, false, null);
      ch.confirmSelect();
      int sent = 0;
      for (int i = from; i < to; i += perMessage) {
        ch.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN,
            message("rabbitmq", i, to).getBytes(StandardCharsets.UTF_8));
        if (++sent % 1000 == 0) {
          ch.waitForConfirmsOrDie(60_000);
        }
      }
      ch.waitForConfirmsOrDie(60_000);
    }
  }

  /**
   * QoS 1 publishes, kept at most 500 messages ahead of what the server has stored ({@code stored} reads it):
   * Mosquitto queues at most 1000 messages for a subscriber by default and drops the rest.
   */
  void mqtt(String url, String topicPrefix, int from, int to, ToDoubleFunction<String> stored) throws Exception {
    MqttClient client = new MqttClient(url, "bench-pub-" + run, new MemoryPersistence());
    client.connect(new MqttConnectionOptions());
    try {
      int sent = 0;
      for (int i = from; i < to; i += perMessage) {
        if (sent++ % 100 == 0) {
          while (i - stored.applyAsDouble("mqtt") > 500.0 * perMessage) {
            Thread.sleep(5);
          }
        }
        MqttMessage m = new MqttMessage(message("mqtt", i, to).getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        while (true) {
          try {
            client.publish(topicPrefix + customer(i), m);
            break;
          } catch (MqttException e) {
            if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
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

  /** One NDJSON file of the touchpoints, written beside the drop folder and moved in whole. */
  void ndjsonFile(Path drop, int from, int to) throws Exception {
    dropFile(drop, "ndjson", null, from, to, i -> touchpoint("drop-folder", i));
  }

  /** One CSV file with canonical headers (no mapping), written beside the drop folder and moved in whole. */
  void csvFile(Path drop, int from, int to) throws Exception {
    dropFile(drop, "csv", "id,customerId,type,occurredAt,channel,value,currency", from, to,
        i -> "csv-" + run + "-" + i + "," + customer(i) + ",purchase," + start.plusSeconds(i) + ",store,12.5,EUR");
  }

  private void dropFile(Path drop, String extension, String header, int from, int to, IntFunction<String> line)
      throws Exception {
    Files.createDirectories(drop);
    Path tmp = drop.resolveSibling("bench-" + run + "-" + from + "." + extension);
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      if (header != null) {
        w.write(header);
        w.write('\n');
      }
      for (int i = from; i < to; i++) {
        w.write(line.apply(i));
        w.write('\n');
      }
    }
    Files.move(tmp, drop.resolve(tmp.getFileName()), StandardCopyOption.ATOMIC_MOVE);
  }

  /** NDJSON batches of 500 from 4 clients, as an integrator's bulk sender would; 503 is waited out. */
  void httpBatches(int port, int from, int to) throws Exception {
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
    try {
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      clients.shutdown();
    }
  }

  /**
   * One touchpoint per call to POST /v1/webhooks/bench, signed with X-Rapport-Signature as a SaaS provider would,
   * at most {@code concurrency} calls in flight; each must be answered 202.
   */
  void webhooks(int port, int concurrency, int from, int to) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/webhooks/bench");
    Semaphore slots = new Semaphore(concurrency);
    AtomicInteger failed = new AtomicInteger();
    for (int i = from; i < to; i++) {
      slots.acquire();
      String body = touchpoint("webhook", i);
      CompletableFuture<HttpResponse<Void>> sent = http.sendAsync(HttpRequest.newBuilder(uri)
          .header("Content-Type", "application/json").header("X-Rapport-Signature", "sha256=" + sign(body))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
      sent.whenComplete((r, e) -> {
        if (e != null || r.statusCode() != 202) {
          failed.incrementAndGet();
        }
        slots.release();
      });
    }
    slots.acquire(concurrency);
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " of " + (to - from) + " webhook calls were not answered 202");
    }
  }

  private static String sign(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
