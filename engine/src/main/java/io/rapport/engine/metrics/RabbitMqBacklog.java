package io.rapport.engine.metrics;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.time.Duration;

/**
 * The RabbitMQ channel's backlog: the messages ready in its queue, as a passive declare of the queue counts them.
 * Messages delivered to the channel and not yet acknowledged (at most amqp.prefetch) are not in that count; RabbitMQ
 * tells them only through its management plugin, which Rapport does not require. One connection, opened at the first
 * read and kept, with a channel per read (a queue that is missing closes the channel it was asked on).
 */
public final class RabbitMqBacklog implements Backlog {
  /** The connection's name in RabbitMQ's management UI and logs. */
  static final String CONNECTION_NAME = "rapport channel lag";

  private final String uri;
  private final String queue;
  private final Duration timeout;
  private Connection connection;

  /**
   * @param uri amqp.uri, as the channel connects with: a secret, never shown
   * @param queue amqp.touchpoints-queue
   * @param timeout how long connecting, and then each request, may take
   */
  public RabbitMqBacklog(String uri, String queue, Duration timeout) {
    this.uri = uri;
    this.queue = queue;
    this.timeout = timeout;
  }

  @Override
  public String channel() {
    return "rabbitmq";
  }

  @Override
  public long waiting() throws Exception {
    if (connection == null || !connection.isOpen()) {
      close();
      connection = factory().newConnection(CONNECTION_NAME);
    }
    try (Channel channel = connection.createChannel()) {
      return channel.queueDeclarePassive(queue).getMessageCount();
    }
  }

  private ConnectionFactory factory() {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(uri);
    } catch (Exception e) {
      // the parser's message quotes the URI, password and all
      throw new IllegalArgumentException("amqp.uri is not an AMQP URI (amqp://user:password@host:5672/vhost)");
    }
    int millis = (int) timeout.toMillis();
    factory.setConnectionTimeout(millis);
    factory.setHandshakeTimeout(millis);
    factory.setChannelRpcTimeout(millis);
    factory.setShutdownTimeout(millis);
    // a connection lost is opened again at the next read: no recovery threads meanwhile
    factory.setAutomaticRecoveryEnabled(false);
    return factory;
  }

  @Override
  public void close() {
    if (connection != null) {
      connection.abort((int) timeout.toMillis()); // never throws: a connection already lost has nothing to close
      connection = null;
    }
  }

  @Override
  public String toString() {
    return "RabbitMqBacklog[" + queue + "]";
  }
}
