package io.rapport.routes.ingest;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/** Carries a dead letter's reason as an MQTT v5 user property, since MQTT messages have no headers. */
public final class MqttDeadLetter {
  /** Moves the reason header into the outgoing message's user properties; drops the other headers. */
  public void mark(Exchange exchange) {
    Message m = exchange.getMessage();
    String reason = m.getHeader(DeadLetter.REASON_HEADER, String.class);
    m.removeHeaders("*");
    MqttProperties properties = new MqttProperties();
    properties.setUserProperties(List.of(new UserProperty(DeadLetter.REASON_HEADER, reason == null ? "" : reason)));
    m.setHeader(PahoMqtt5Constants.CAMEL_PAHO_MSG_PROPERTIES, properties);
  }
}
