package io.rapport.engine;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small HTTP client for Rapport's API, as a user would call it: every request carries the key it was made with
 * ({@link #as}), none when that is null.
 */
final class Api {
  /** A response: status, body and the Content-Type header. */
  record Response(int status, String body, HttpResponse<String> raw) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String key;

  /** A client that sends no key. */
  Api(int port) {
    this("http://127.0.0.1:" + port, null);
  }

  private Api(String base, String key) {
    this.base = base;
    this.key = key;
  }

  /** The same client, sending {@code key} (null: none). */
  Api as(String key) {
    return new Api(base, key);
  }

  Response post(String path, String contentType, String body) throws Exception {
    return post(path, contentType, body, key);
  }

  /** A POST with this key (null for none). */
  Response post(String path, String contentType, String body, String key) throws Exception {
    return send(authorized(HttpRequest.newBuilder(URI.create(base + path)), key).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Response put(String path, String contentType, String body, String key) throws Exception {
    return send(authorized(HttpRequest.newBuilder(URI.create(base + path)), key).header("Content-Type", contentType)
        .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpRequest.Builder authorized(HttpRequest.Builder b, String key) {
    return key == null ? b : b.header("Authorization", "Bearer " + key);
  }

  Response postJson(String body) throws Exception {
    return post("/v1/touchpoints", "application/json", body);
  }

  /** Touchpoints sent with this key. */
  Response ingest(String body, String key) throws Exception {
    return post("/v1/touchpoints", "application/json", body, key);
  }

  /** A DELETE with this key (null for none). */
  Response delete(String path, String key) throws Exception {
    return send(authorized(HttpRequest.newBuilder(URI.create(base + path)), key).DELETE());
  }

  Response get(String path) throws Exception {
    return get(path, key);
  }

  Response get(String path, String key) throws Exception {
    return send(authorized(HttpRequest.newBuilder(URI.create(base + path)), key).GET());
  }

  Response customer(String id) throws Exception {
    return get("/v1/customers/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
  }

  Response journey(String id) throws Exception {
    return get("/v1/customers/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/journey");
  }

  private Response send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r = CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body(), r);
  }

  /** A file from the test resources, as text. */
  static String resource(String name) throws java.io.IOException {
    try (var in = Api.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A touchpoint in the canonical JSON. */
  static String touchpoint(String id, String customer, String type, String occurredAt, Double value) {
    JsonObject t = new JsonObject().put("id", id).put("customerId", customer).put("type", type)
        .put("occurredAt", occurredAt).put("channel", "web");
    if (value != null) {
      t.put("value", value);
    }
    return t.encode();
  }
}
