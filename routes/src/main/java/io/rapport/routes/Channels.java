package io.rapport.routes;

import io.rapport.messages.ValidTouchpoints;
import io.rapport.routes.ingest.IngestKey;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The Camel side of Rapport: one CamelContext sharing the server's Vert.x and HTTP router, running the default YAML
 * routes (in: HTTP and drop folder; out: actions to the connectors they declare) and the route files an integrator
 * adds. Every bean the routes use is declared in the route files themselves.
 */
public final class Channels implements AutoCloseable {
  /** The default route files, in the classpath folder rapport/routes. */
  public static final List<String> DEFAULT_ROUTES =
      List.of("touchpoints-http.yaml", "touchpoints-webhooks.yaml", "touchpoints-drop-folder.yaml",
          "touchpoints-kafka.yaml", "touchpoints-rabbitmq.yaml", "touchpoints-mqtt.yaml", "actions-out.yaml",
          "connectors.yaml");
  /** The prefix of the placeholders routes read their settings by: {@code {{rapport.webhook.url}}}. */
  public static final String PLACEHOLDER_PREFIX = "rapport.";
  /** The setting that turns the drop-folder route on: a folder, or empty for none. */
  public static final String DROP_DIR = PLACEHOLDER_PREFIX + "drop.dir";
  /** The default routes that are on only when a setting is (an address): the route file and that setting. */
  public static final Map<String, String> ROUTES_ON_WHEN_SET = Map.of(
      "touchpoints-drop-folder.yaml", PLACEHOLDER_PREFIX + "drop.dir",
      "touchpoints-kafka.yaml", PLACEHOLDER_PREFIX + "kafka.brokers",
      "touchpoints-rabbitmq.yaml", PLACEHOLDER_PREFIX + "amqp.uri",
      "touchpoints-mqtt.yaml", PLACEHOLDER_PREFIX + "mqtt.url");
  /** The setting that bounds an HTTP request's body. */
  public static final String MAX_BODY_BYTES = PLACEHOLDER_PREFIX + "ingest.max-body-bytes";

  private final CamelContext camel;

  private Channels(CamelContext camel) {
    this.camel = camel;
  }

  /**
   * Starts Camel with the default routes and {@code extraRouteFiles}.
   *
   * @param settings the value of every {{rapport.*}} placeholder the routes use
   * @param serverBeans what the server itself provides the routes, by name ({@link IngestKey#BEAN}, {@link
   *     ChannelMessages#BEAN})
   */
  public static Channels start(Vertx vertx, Router router, Properties settings, List<Path> extraRouteFiles,
      Map<String, Object> serverBeans) throws Exception {
    DefaultCamelContext camel = new DefaultCamelContext();
    camel.getPropertiesComponent().setInitialProperties(settings);
    camel.getRegistry().bind("vertx", Vertx.class, vertx);
    serverBeans.forEach(camel.getRegistry()::bind);
    ValidTouchpoints.register(vertx.eventBus());
    long maxBody = Long.parseLong(required(settings, MAX_BODY_BYTES));
    // platform-http finds its router by a name derived from the port it would listen on; Rapport
    // listens itself (one server, one port), so the router is bound under the default port's name.
    String routerName =
        VertxPlatformHttpRouter.getRouterNameFromPort(VertxPlatformHttpServerConfiguration.DEFAULT_BIND_PORT);
    camel.getRegistry().bind(routerName, new VertxPlatformHttpRouter(null, vertx, router, routerName) {
      @Override
      public Handler<RoutingContext> bodyHandler() {
        return BodyHandler.create(false).setBodyLimit(maxBody); // larger bodies get 413
      }
    });

    List<Resource> routes = new ArrayList<>();
    for (String name : DEFAULT_ROUTES) {
      String onWhen = ROUTES_ON_WHEN_SET.get(name);
      if (onWhen != null && settings.getProperty(onWhen, "").isBlank()) {
        continue; // that channel is not configured
      }
      routes.add(ResourceHelper.resolveMandatoryResource(camel, "classpath:rapport/routes/" + name));
    }
    for (Path file : extraRouteFiles) {
      routes.add(ResourceHelper.resolveMandatoryResource(camel, "file:" + file.toAbsolutePath()));
    }
    PluginHelper.getRoutesLoader(camel).loadRoutes(routes);
    camel.start();
    return new Channels(camel);
  }

  private static String required(Properties settings, String key) {
    String value = settings.getProperty(key);
    if (value == null) {
      throw new IllegalArgumentException("the routes need the setting " + key);
    }
    return value;
  }

  public CamelContext camel() {
    return camel;
  }

  @Override
  public void close() {
    camel.stop();
  }
}
