package io.rapport.routes.actions;

import io.rapport.messages.ActionMessage;
import io.vertx.core.json.JsonObject;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Names the connector route an action goes to (header {@value #HEADER}), from the action's "connector" field. */
public final class ConnectorChoice implements Processor {
  public static final String HEADER = "RapportConnector";

  @Override
  public void process(Exchange exchange) {
    JsonObject action = exchange.getMessage().getBody(JsonObject.class);
    String connector = action == null ? null : action.getString(ActionMessage.CONNECTOR);
    exchange.getMessage().setHeader(HEADER, connector == null ? "none" : connector);
  }
}
