package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.Endpoint;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OpenAPI document at /openapi.json lists every route the server really has (its Vert.x router's and the Camel
 * routes' on platform-http), and Swagger UI at /docs shows it from the server's own files, without a key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiIT {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
  private ManagersServer managers;

  @BeforeAll
  void start() throws Exception {
    managers = ManagersServer.start();
  }

  @AfterAll
  void stop() throws Exception {
    if (managers != null) {
      managers.close();
    }
  }

  @Test
  void everyRouteOfTheServerIsInTheOpenApiDocument() throws Exception {
    Api.Response r = managers.anonymous.get("/openapi.json");
    assertThat(r.status()).isEqualTo(200);
    JsonObject doc = r.json();
    Set<String> documented = new TreeSet<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(method)) {
          documented.add(method.toUpperCase() + " " + path);
        }
      }
    }
    Set<String> served = serverRoutes();
    assertThat(served).as("the routes found").contains("POST /v1/touchpoints", "GET /v1/customers/{id}", "GET /");

    Set<String> missing = new TreeSet<>(served);
    missing.removeAll(documented);
    assertThat(missing).as("routes missing from /openapi.json (engine/src/main/resources/rapport/openapi.json): "
        + String.join(", ", missing)).isEmpty();
  }

  @Test
  void everyOperationSaysWhichKeyItNeedsAndWhatItAnswers() throws Exception {
    JsonObject doc = managers.anonymous.get("/openapi.json").json();
    assertThat(doc.getString("openapi")).startsWith("3.");
    assertThat(doc.getJsonObject("components").getJsonObject("securitySchemes").fieldNames())
        .containsExactlyInAnyOrder("ingestKey", "readKey", "adminKey");
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        JsonObject op = paths.getJsonObject(path).getJsonObject(method);
        assertThat(op.getJsonArray("security")).as(method + " " + path).isNotNull();
        assertThat(op.getJsonObject("responses").fieldNames()).as(method + " " + path).isNotEmpty();
        if (!op.getJsonArray("security").isEmpty()) {
          assertThat(op.getJsonObject("responses").fieldNames()).as(method + " " + path).contains("401", "403");
        }
      }
    }
    assertThat(paths.getJsonObject("/v1/customers").getJsonObject("get").getJsonArray("security").encode())
        .contains("readKey");
  }

  @Test
  void swaggerUiIsServedFromTheServersOwnFiles() throws Exception {
    Api.Response page = managers.anonymous.get("/docs");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("/assets/swagger-ui/swagger-ui-bundle.js").doesNotContain("http://", "https://");
    Api.Response bundle = managers.anonymous.get("/assets/swagger-ui/swagger-ui-bundle.js");
    assertThat(bundle.status()).isEqualTo(200);
    assertThat(bundle.body()).contains("SwaggerUIBundle");
    assertThat(managers.anonymous.get("/assets/echarts/echarts.min.js").body()).contains("echarts");
  }

  @Test
  void assetsServeOnlyTheirOwnFolders() throws Exception {
    for (String path : new String[] {"/assets/console/..%2F..%2Fopenapi.json", "/assets/console/%2e%2e%2fopenapi.json",
        "/assets/nothing/index.html", "/assets/console/", "/assets/META-INF/MANIFEST.MF",
        "/assets/swagger-ui/..%2f..%2f..%2fpom.properties", "/assets/console/no-such.js"}) {
      assertThat(managers.anonymous.get(path).status()).as(path).isEqualTo(404);
    }
  }

  /** "METHOD path" of each route that answers requests, with OpenAPI's {param} for Vert.x's :param. */
  private Set<String> serverRoutes() {
    Set<String> routes = new TreeSet<>();
    for (Route route : managers.server.router().getRoutes()) {
      // a route without methods is a step before the handlers (a body handler, the broken-body guard)
      if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
        continue;
      }
      String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      if (!route.isExactPath()) {
        path = (path.endsWith("/") ? path : path + "/") + "{path}";
      }
      for (var method : route.methods()) {
        routes.add(method.name() + " " + path);
      }
    }
    for (Endpoint endpoint : managers.server.channels().camel().getEndpoints()) {
      if (endpoint instanceof PlatformHttpEndpoint http) {
        String methods = http.getHttpMethodRestrict() == null ? "GET,POST,PUT,DELETE" : http.getHttpMethodRestrict();
        for (String method : methods.split(",")) {
          routes.add(method.trim().toUpperCase() + " " + http.getPath());
        }
      }
    }
    return routes;
  }
}
