package io.rapport.connectors.webhook;

import io.rapport.messages.ActionMessage;
import io.rapport.messages.DeliveryOutcome;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The webhook connector: POSTs the action JSON to the configured URL with an Idempotency-Key header (and the Standard
 * Webhooks headers when webhook.secret is set; a Retry-After in the answer is passed on to the relay), on the Vert.x
 * HTTP client of the Vert.x bound in Camel's registry, and answers a {@link DeliveryOutcome}. The URL may carry a
 * token, so it never appears in an endpoint URI, a log line or an error. Declared as a bean in a route file.
 */
public final class WebhookDelivery extends AsyncProcessorSupport implements CamelContextAware {
  /** The header a receiver uses to drop a repeated delivery. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private CamelContext camel;
  private URI url;
  private long timeoutMillis = 10_000;
  private HttpClient client;
  private StandardWebhooks signer;

  /** Where actions go; empty leaves the connector unconfigured, which fails every delivery for good. */
  public void setUrl(String url) {
    this.url = url == null || url.isBlank() ? null : URI.create(url.trim());
  }

  /** webhook.secret: with it, every call is signed as Standard Webhooks says; empty for unsigned calls. */
  public void setSecret(String secret) {
    this.signer = secret == null || secret.isBlank() ? null : new StandardWebhooks(secret.trim());
  }

  /** Connect and response timeout. */
  public void setTimeoutMillis(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void setCamelContext(CamelContext camelContext) {
    this.camel = camelContext;
  }

  @Override
  public CamelContext getCamelContext() {
    return camel;
  }

  @Override
  protected void doStart() {
    Vertx vertx = camel.getRegistry().findSingleByType(Vertx.class);
    if (vertx == null) {
      throw new IllegalStateException("the webhook connector needs a Vert.x in Camel's registry");
    }
    client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) timeoutMillis)
        .setKeepAlive(true)
        .setSsl(url != null && "https".equalsIgnoreCase(url.getScheme())));
  }

  @Override
  public boolean process(Exchange exchange, AsyncCallback callback) {
    JsonObject action = exchange.getMessage().getBody(JsonObject.class);
    if (url == null) {
      reply(exchange, DeliveryOutcome.permanent("webhook.url is not configured"), callback);
      return true;
    }
    if (action == null) {
      reply(exchange, DeliveryOutcome.permanent("the action is not JSON"), callback);
      return true;
    }
    int port = url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(url.getHost())
        .setPort(port)
        .setURI(path)
        .setTimeout(timeoutMillis)
        .putHeader("Content-Type", "application/json")
        .putHeader(IDEMPOTENCY_KEY, action.getString("idempotencyKey", ""));
    JsonObject json = action.copy();
    json.remove(ActionMessage.CONNECTOR);
    Buffer body = json.toBuffer();
    if (signer != null) {
      // signed over the exact bytes sent; the timestamp is this attempt's
      String id = StandardWebhooks.messageId(action.getString("idempotencyKey", ""));
      long timestamp = Instant.now().getEpochSecond();
      request.putHeader(StandardWebhooks.ID, id)
          .putHeader(StandardWebhooks.TIMESTAMP, Long.toString(timestamp))
          .putHeader(StandardWebhooks.SIGNATURE, signer.signature(id, timestamp, body.getBytes()));
    }
    client.request(request)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> DeliveryOutcome.ofStatus(resp.statusCode(),
            resp.getHeader("Retry-After"), Instant.now())))
        .onComplete(ar -> reply(exchange, ar.succeeded() ? ar.result() : DeliveryOutcome.ofFailure(ar.cause()),
            callback));
    return false;
  }

  private static void reply(Exchange exchange, DeliveryOutcome outcome, AsyncCallback callback) {
    exchange.getMessage().setBody(outcome.toJson());
    callback.done(false);
  }

  @Override
  protected void doStop() {
    if (client != null) {
      client.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return "WebhookDelivery[" + (url == null ? "not configured" : url.getScheme() + "://" + url.getHost() + "/…") + "]";
  }
}
