package io.rapport.routes.ingest;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * The MQTT channel's client: a session the broker keeps while the server is away, acknowledged by hand, and connected
 * only when the route subscribes, that is once the route's callback is in place.
 *
 * <p>Why not the client camel-paho-mqtt5 builds itself: its consumer connects before it sets its callback. A broker
 * resuming a session sends the messages it kept right after CONNACK, and Paho, with manual acks and no callback yet,
 * drops them without acknowledging: the broker then holds them as in flight and never sends them again on that
 * connection. Given this client (the endpoint's {@code client} option), the consumer sets its callback, then
 * subscribes, and only then does this client connect.
 */
public final class MqttSessionClient extends MqttClient {
  private final MqttConnectionOptions options = new MqttConnectionOptions();

  public MqttSessionClient(String brokerUrl, String clientId) throws MqttException {
    // the session lives at the broker; what Paho would persist locally is only in-flight state of this process
    super(brokerUrl, clientId, new MemoryPersistence());
    setManualAcks(true);
    options.setCleanStart(false);
    options.setAutomaticReconnect(true);
  }

  /** Seconds the broker keeps the session, and the messages for it, while the server is away. */
  public void setSessionExpiryInterval(long seconds) {
    options.setSessionExpiryInterval(seconds);
  }

  /** Most messages the broker hands over before the server has acknowledged them. */
  public void setReceiveMaximum(int messages) {
    options.setReceiveMaximum(messages);
  }

  @Override
  public synchronized IMqttToken subscribe(String topicFilter, int qos) throws MqttException {
    if (!isConnected()) {
      connect(options);
    }
    return super.subscribe(topicFilter, qos);
  }

  /** Leaves the broker (keeping the session) and frees the client; the route does neither for a client it was given. */
  @Override
  public void close() throws MqttException {
    if (isConnected()) {
      disconnect();
    }
    super.close();
  }
}
