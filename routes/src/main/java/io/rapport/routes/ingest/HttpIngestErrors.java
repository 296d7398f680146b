package io.rapport.routes.ingest;

import io.rapport.messages.IngestFailure;
import io.rapport.messages.RejectedInput;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place an HTTP ingest failure becomes a response: the client's mistakes are 4xx with their details; an
 * engine that is saturated or whose store failed is 503 with Retry-After, since retrying the same batch is safe.
 */
public final class HttpIngestErrors implements Processor {
  private static final Logger LOG = LoggerFactory.getLogger(HttpIngestErrors.class);

  @Override
  public void process(Exchange exchange) {
    Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    Message m = exchange.getMessage();
    m.removeHeaders("*");
    int status;
    JsonObject body;
    if (cause instanceof RejectedInput r) {
      status = r.status();
      body = r.toJson();
    } else if (cause instanceof ReplyException e && e.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      IngestFailure failure = IngestFailure.ofCode(e.failureCode());
      status = failure.httpStatus();
      body = error(failure.retriable() ? failure.explanation() : e.getMessage());
      if (failure.retriable()) {
        m.setHeader("Retry-After", "1");
      }
    } else if (cause instanceof ReplyException) { // no engine answered in time, or none is listening
      status = IngestFailure.OVERLOADED.httpStatus();
      body = error(IngestFailure.OVERLOADED.explanation());
      m.setHeader("Retry-After", "1");
    } else {
      LOG.warn("ingest failed", cause);
      status = 500;
      body = error("internal error");
    }
    m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    m.setHeader(Exchange.CONTENT_TYPE, "application/json");
    m.setBody(body.encode());
  }

  private static JsonObject error(String message) {
    return new JsonObject().put("error", message).put("details", new JsonArray());
  }
}
