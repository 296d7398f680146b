package io.rapport.engine;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small HTTP client for Rapport's API, as a user would call it. */
final class Api {
  /** A response: status, body and the Content-Type header. */
  record Response(int status, String body, HttpResponse<String> raw) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  Api(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  Response post(String path, String contentType, String body) throws Exception {
    return post(path, contentType, body, null);
  }

  /** A POST with the admin key (null for none). */
  Response post(String path, String contentType, String body, String adminKey) throws Exception {
    return send(authorized(HttpRequest.newBuilder(URI.create(base + path)), adminKey).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Response put(String path, String contentType, String body, String adminKey) throws Exception {
    return send(authorized(HttpRequest.newBuilder(URI.create(base + path)), adminKey).header("Content-Type", contentType)
        .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpRequest.Builder authorized(HttpRequest.Builder b, String adminKey) {
    return adminKey == null ? b : b.header("Authorization", "Bearer " + adminKey);
  }

  Response postJson(String body) throws Exception {
    return post("/v1/touchpoints", "application/json", body);
  }

  Response get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  Response customer(String id) throws Exception {
    return get("/v1/customers/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
  }

  Response journey(String id) throws Exception {
    return get("/v1/customers/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/journey");
  }

  private Response send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
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
