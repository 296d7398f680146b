package io.rapport.connectors.webhook;

import io.rapport.connectors.DeliveryFailures;
import io.rapport.connectors.DeliveryOutcome;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The webhook connector: POSTs the action JSON to the configured URL with an Idempotency-Key
 * header, on the shared Vert.x HTTP client, and answers a {@link DeliveryOutcome}. The URL may
 * carry a token, so it never appears in an endpoint URI, a log line or an error.
 */
public final class WebhookDelivery extends AsyncProcessorSupport {
  /** The header a receiver uses to drop a repeated delivery. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final HttpClient client;
  private final URI url;
  private final long timeoutMillis;

  public WebhookDelivery(Vertx vertx, String url, long timeoutMillis) {
    this.url = url == null || url.isBlank() ? null : URI.create(url.trim());
    this.timeoutMillis = timeoutMillis;
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) timeoutMillis)
        .setKeepAlive(true)
        .setSsl(this.url != null && "https".equalsIgnoreCase(this.url.getScheme())));
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
    JsonObject body = action.copy();
    body.remove("connector");
    client.request(request)
        .compose(req -> req.send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> reply(exchange,
            ar.succeeded() ? DeliveryFailures.ofStatus(ar.result()) : DeliveryFailures.of(ar.cause()), callback));
    return false;
  }

  private static void reply(Exchange exchange, DeliveryOutcome outcome, AsyncCallback callback) {
    exchange.getMessage().setBody(outcome.toJson());
    callback.done(false);
  }

  @Override
  protected void doStop() {
    client.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "WebhookDelivery[" + (url == null ? "not configured" : url.getScheme() + "://" + url.getHost() + "/…") + "]";
  }
}
