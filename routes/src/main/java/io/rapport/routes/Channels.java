package io.rapport.routes;

import io.micrometer.core.instrument.MeterRegistry;
import io.rapport.connectors.log.LogDelivery;
import io.rapport.connectors.webhook.WebhookDelivery;
import io.rapport.routes.ingest.DropFile;
import io.rapport.routes.ingest.HttpIntake;
import io.rapport.routes.ingest.IngestFailure;
import io.rapport.routes.ingest.IngestKey;
import io.rapport.routes.ingest.IngestReply;
import io.rapport.routes.ingest.ValidTouchpoints;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The Camel side of Rapport: one CamelContext sharing the engine's Vert.x and HTTP router, the
 * default YAML routes (in: HTTP and drop folder; out: actions to connectors) and any extra
 * route files an integrator adds.
 */
public final class Channels implements AutoCloseable {
  /** The default route files, in the classpath folder rapport/routes. */
  public static final List<String> DEFAULT_ROUTES =
      List.of("touchpoints-http.yaml", "touchpoints-drop-folder.yaml", "actions-out.yaml", "connectors.yaml");
  static final String DEFAULTS = "rapport/routes/defaults.properties";

  private final CamelContext camel;

  private Channels(CamelContext camel) {
    this.camel = camel;
  }

  /**
   * Starts Camel with the default routes and {@code extraRouteFiles}.
   *
   * @param properties values for the routes' {{rapport.*}} placeholders, over the defaults
   * @param registry nullable; reserved for route metrics
   */
  public static Channels start(Vertx vertx, Router router, Properties properties, List<Path> extraRouteFiles,
      MeterRegistry registry) throws Exception {
    Properties settings = defaults();
    settings.putAll(properties);
    DefaultCamelContext camel = new DefaultCamelContext();
    camel.getPropertiesComponent().setInitialProperties(settings);
    camel.getRegistry().bind("vertx", Vertx.class, vertx);
    ValidTouchpoints.register(vertx.eventBus());
    long maxBody = Long.parseLong(settings.getProperty("rapport.ingest.max-body-bytes"));
    // platform-http finds its router by a name derived from the port it would listen on; Rapport
    // listens itself (one server, one port), so the router is bound under the default port's name.
    String routerName = VertxPlatformHttpRouter.getRouterNameFromPort(VertxPlatformHttpServerConfiguration.DEFAULT_BIND_PORT);
    camel.getRegistry().bind(routerName, new VertxPlatformHttpRouter(null, vertx, router, routerName) {
      @Override
      public Handler<RoutingContext> bodyHandler() {
        return BodyHandler.create(false).setBodyLimit(maxBody); // larger bodies get 413
      }
    });
    int maxItems = Integer.parseInt(settings.getProperty("rapport.ingest.max-batch-items"));
    camel.getRegistry().bind("ingestKey", new IngestKey(settings.getProperty("rapport.ingest.key", "")));
    camel.getRegistry().bind("touchpointIntake", new HttpIntake(maxItems));
    camel.getRegistry().bind("ingestReply", new IngestReply());
    camel.getRegistry().bind("ingestFailure", new IngestFailure());
    camel.getRegistry().bind("dropFile", new DropFile(Integer.parseInt(settings.getProperty("rapport.drop.chunk-size"))));
    camel.getRegistry().bind("actionDispatch", (org.apache.camel.Processor) Channels::dispatch);
    camel.getRegistry().bind("deliveryFailure", (org.apache.camel.Processor) Channels::deliveryFailure);
    camel.getRegistry().bind("webhookDelivery", new WebhookDelivery(vertx, settings.getProperty("rapport.webhook.url"),
        Long.parseLong(settings.getProperty("rapport.webhook.timeout-ms"))));
    camel.getRegistry().bind("logDelivery", new LogDelivery());

    List<Resource> routes = new ArrayList<>();
    for (String name : DEFAULT_ROUTES) {
      if (name.equals("touchpoints-drop-folder.yaml") && settings.getProperty("rapport.drop.dir", "").isBlank()) {
        continue; // no drop folder configured
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

  static Properties defaults() throws IOException {
    Properties p = new Properties();
    try (InputStream in = Channels.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
      p.load(in);
    }
    return p;
  }

  /** Routes an action to the connector its "connector" field names. */
  private static void dispatch(Exchange exchange) {
    JsonObject action = exchange.getMessage().getBody(JsonObject.class);
    String connector = action == null ? null : action.getString(Addresses.CONNECTOR);
    exchange.getMessage().setHeader("RapportConnector", connector == null ? "none" : connector);
  }

  /** Any failure while delivering becomes a reply the relay understands. */
  private static void deliveryFailure(Exchange exchange) {
    Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    io.rapport.connectors.DeliveryOutcome outcome =
        cause instanceof org.apache.camel.component.direct.DirectConsumerNotAvailableException
            ? io.rapport.connectors.DeliveryOutcome.permanent(
                "no connector named '" + exchange.getMessage().getHeader("RapportConnector") + "'")
            : io.rapport.connectors.DeliveryFailures.of(cause);
    exchange.getMessage().setBody(outcome.toJson());
  }

  public CamelContext camel() {
    return camel;
  }

  @Override
  public void close() {
    camel.stop();
  }
}
