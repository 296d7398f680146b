package io.rapport.engine.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * What a browser opens, all without a key since none of it holds personal data: the managers' console at
 * {@code /} (which then reads the API with the key its user gives), the API's OpenAPI document at
 * {@code /openapi.json} and Swagger UI for it at {@code /docs}, and their static files under {@code /assets/}.
 */
public final class ConsolePages {
  private static final String CONSOLE = "rapport/console/";
  private final Assets assets;

  public ConsolePages(Vertx vertx) {
    this.assets = new Assets(vertx, Map.of(
        "console", CONSOLE,
        "echarts", Assets.webJar("org.webjars.npm", "echarts", "dist/"),
        "swagger-ui", Assets.webJar("org.webjars", "swagger-ui", "")));
  }

  public void mount(Router router) {
    router.get("/").handler(ctx -> assets.send(ctx, CONSOLE + "index.html"));
    router.get("/docs").handler(ctx -> assets.send(ctx, CONSOLE + "docs.html"));
    router.get("/openapi.json").handler(ctx -> assets.send(ctx, "rapport/openapi.json"));
    router.get(Assets.PREFIX + "*").handler(assets::serve);
  }
}
