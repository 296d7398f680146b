package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The MQTT v5 channel against Mosquitto on 127.0.0.1:1883: each test on topics and a client id of its own. */
class MqttChannelIT extends BrokerChannelContract {
  static final String URL = "tcp://127.0.0.1:1883";
  private MqttClient client;
  private String topics;
  private final BlockingQueue<DeadLetter> dead = new LinkedBlockingQueue<>();

  @BeforeEach
  void connect() throws Exception {
    topics = "rapport-test/" + run;
    client = new MqttClient(URL, "test-" + run, new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    // Paho 1.2.5's subscribe with a listener calls itself until the stack overflows: a callback instead
    client.setCallback(new MqttCallback() {
      @Override
      public void messageArrived(String topic, MqttMessage m) {
        String reason = m.getProperties().getUserProperties().stream().filter(p -> p.getKey().equals("rapport-reason"))
            .map(UserProperty::getValue).findFirst().orElse(null);
        dead.add(new DeadLetter(new String(m.getPayload(), StandardCharsets.UTF_8), reason));
      }

      @Override
      public void disconnected(MqttDisconnectResponse response) {}

      @Override
      public void mqttErrorOccurred(MqttException exception) {}

      @Override
      public void deliveryComplete(IMqttToken token) {}

      @Override
      public void connectComplete(boolean reconnect, String serverUri) {}

      @Override
      public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    });
    client.connect(options);
    client.subscribe(topics + "/dead", 1);
  }

  @AfterEach
  void disconnect() throws Exception {
    client.disconnect();
    client.close();
  }

  @Override
  String channel() {
    return "mqtt";
  }

  @Override
  Map<String, String> channelSettings() {
    return Map.of("mqtt.url", URL, "mqtt.touchpoints-topic", topics + "/touchpoints/#", "mqtt.dead-letter-topic",
        topics + "/dead", "mqtt.client-id", "rapport-" + run);
  }

  @Override
  void publish(String customer, String body) throws Exception {
    MqttMessage m = new MqttMessage(body.getBytes(StandardCharsets.UTF_8));
    m.setQos(1);
    while (true) {
      try {
        client.publish(topics + "/touchpoints/" + customer, m);
        return;
      } catch (MqttException e) {
        if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
          throw e;
        }
        Thread.sleep(5); // the client's window of unacknowledged publishes is full
      }
    }
  }

  @Override
  DeadLetter nextDeadLetter(Duration timeout) throws Exception {
    DeadLetter d = dead.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (d == null) {
      throw new AssertionError("no dead letter on " + topics + "/dead");
    }
    return d;
  }

  /** Mosquitto tells a client nothing of the messages it keeps for another's session. */
  @Override
  boolean brokerCountsWhatWaits() {
    return false;
  }

  @Test
  void theMqttChannelShowsNoLagSinceMosquittoCountsNoneAClientCanRead() throws Exception {
    Api api = startServer();
    String fay = "fay-" + run;
    publish(fay, purchase("f1-" + run, fay));
    await().atMost(Duration.ofSeconds(60)).until(() -> orders(api, fay) == 1);
    assertThat(lag(api)).as("rapport_channel_lag{channel=\"mqtt\"}").isEmpty();
  }
}
