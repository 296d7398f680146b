package io.rapport.engine.outbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which connector delivers an action, by its channel: actions.connectors first, then the defaults (email to the SMTP
 * connector once it has a host, support to the help-desk ticket once it has a URL and else to the webhook, sms to the
 * SMS gateway), then actions.connector for every other channel. A built-in connector whose address is not set is
 * off: its actions wait, pending, as they do while an operator has it paused.
 */
public record ConnectorRouting(String defaultConnector, Map<String, String> byChannel, Set<String> off) {
  /** The connectors Rapport ships, each with a route in connectors.yaml. */
  public static final Set<String> BUILT_IN = Set.of("log", "webhook", "email", "slack", "sms", "kafka", "ticket");

  public ConnectorRouting {
    byChannel = Map.copyOf(byChannel);
    off = Set.copyOf(off);
  }

  /**
   * The routing from the settings: {@code configured} is actions.connectors, {@code on} tells which built-in
   * connectors have their address set (log always has).
   */
  public static ConnectorRouting of(String defaultConnector, Map<String, String> configured, Set<String> on) {
    Map<String, String> byChannel = new LinkedHashMap<>();
    if (on.contains("email")) {
      byChannel.put("email", "email");
    }
    byChannel.put("support", on.contains("ticket") ? "ticket" : "webhook");
    byChannel.put("sms", "sms");
    byChannel.putAll(configured);
    Set<String> off = new TreeSet<>(BUILT_IN);
    off.removeAll(on);
    off.remove("log");
    return new ConnectorRouting(defaultConnector, byChannel, off);
  }

  public String connectorFor(String channel) {
    return byChannel.getOrDefault(channel, defaultConnector);
  }

  /** Whether a connector can deliver: a connector of an extra route is taken to be on. */
  public boolean isOn(String connector) {
    return !off.contains(connector);
  }

  /** Every connector this routing may send to, the default one included. */
  public Set<String> connectors() {
    Set<String> all = new TreeSet<>(byChannel.values());
    all.add(defaultConnector);
    return all;
  }
}
