package io.rapport.engine;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The RabbitMQ channel against the broker on 127.0.0.1:5672: each test on queues of its own, deleted after. */
class RabbitMqChannelIT extends BrokerChannelContract {
  static final String URI = "amqp://guest:guest@127.0.0.1:5672/%2F";
  private Connection connection;
  private Channel channel;
  private String queue;

  @BeforeEach
  void connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(URI);
    connection = factory.newConnection();
    channel = connection.createChannel();
    queue = "rapport.test." + run;
    channel.queueDeclare(queue, true, false, false, null);
  }

  @AfterEach
  void deleteQueues() throws Exception {
    channel.queueDelete(queue);
    channel.queueDelete(queue + ".dlq");
    connection.close();
  }

  @Override
  String channel() {
    return "rabbitmq";
  }

  @Override
  Map<String, String> channelSettings() {
    return Map.of("amqp.uri", URI, "amqp.touchpoints-queue", queue);
  }

  @Override
  synchronized void publish(String customer, String body) throws Exception {
    channel.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, body.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  synchronized DeadLetter nextDeadLetter(Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      GetResponse r = channel.basicGet(queue + ".dlq", true);
      if (r != null) {
        Object reason = r.getProps().getHeaders() == null ? null : r.getProps().getHeaders().get("rapport-reason");
        return new DeadLetter(new String(r.getBody(), StandardCharsets.UTF_8), reason == null ? null : reason.toString());
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no dead letter on " + queue + ".dlq");
  }
}
