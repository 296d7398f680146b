package io.rapport.engine;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rapport.engine.access.Keys;
import io.rapport.engine.access.Scope;
import io.rapport.engine.config.Settings;
import io.rapport.engine.http.ActionsApi;
import io.rapport.engine.http.ConnectorsApi;
import io.rapport.engine.http.ConsolePages;
import io.rapport.engine.http.CustomerApi;
import io.rapport.engine.http.ErasureApi;
import io.rapport.engine.http.HealthApi;
import io.rapport.engine.http.RulesApi;
import io.rapport.engine.http.SimulationsApi;
import io.rapport.engine.http.TemplatesApi;
import io.rapport.engine.http.UnsubscribeApi;
import io.rapport.engine.http.StatsApi;
import io.rapport.engine.kpi.KpiRefresh;
import io.rapport.engine.http.TouchpointsApi;
import io.rapport.engine.rulebase.RuleBase;
import io.micrometer.core.instrument.Gauge;
import io.rapport.engine.ingest.ActiveRules;
import io.rapport.engine.ingest.Ingest;
import io.rapport.engine.metrics.ChannelLag;
import io.rapport.engine.metrics.JourneyMetrics;
import io.rapport.engine.metrics.StoreGauges;
import io.rapport.engine.outbox.ConnectorRouting;
import io.rapport.engine.outbox.Guardrails;
import io.rapport.engine.outbox.OutboxRelay;
import io.rapport.engine.outbox.UnsubscribeLinks;
import io.rapport.engine.store.jdbc.Database;
import io.rapport.engine.store.jdbc.JdbcStore;
import io.rapport.engine.timers.TimerScheduler;
import io.rapport.routes.ChannelMessages;
import io.rapport.routes.Channels;
import io.rapport.rules.DiscountCodes;
import io.rapport.rules.RuleLimits;
import io.rapport.routes.ingest.IngestKey;
import io.rapport.routes.webhooks.WebhookSignature;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Rapport server: store, rules, partitions, outbox relay, Camel channels, HTTP. */
public final class Server implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Server.class);
  /** How long a stalled partition is waited for before the process gives up on it. */
  static final Duration GIVE_UP_AFTER = Duration.ofMinutes(5);
  private static final java.util.concurrent.atomic.AtomicBoolean EXITING = new java.util.concurrent.atomic.AtomicBoolean();

  private final Vertx vertx;
  private final JdbcStore store;
  private final OutboxRelay relay;
  private final TimerScheduler timers;
  private final Channels channels;
  private final HttpServer http;
  private final String ingestDeployment;
  private final StoreGauges gauges;
  private final Router router;
  private final KpiRefresh kpis;
  private final ChannelLag lag;

  private Server(Vertx vertx, JdbcStore store, OutboxRelay relay, TimerScheduler timers, Channels channels,
      HttpServer http, String ingestDeployment, StoreGauges gauges, Router router, KpiRefresh kpis, ChannelLag lag) {
    this.vertx = vertx;
    this.store = store;
    this.relay = relay;
    this.timers = timers;
    this.channels = channels;
    this.http = http;
    this.ingestDeployment = ingestDeployment;
    this.gauges = gauges;
    this.router = router;
    this.kpis = kpis;
    this.lag = lag;
  }

  /** Starts everything; returns once the HTTP port is open. */
  public static Server start(Settings settings) throws Exception {
    return start(settings, Clock.systemUTC());
  }

  /**
   * Starts with another wall clock (the one timers fire by, actions are retried by, and touchpoints are received
   * at): for tests that must hold whatever day they run on. Deliberately not a setting.
   */
  static Server start(Settings settings, Clock clock) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Vert.x configures the registry's meter filters as it starts, so it starts before any meter
    // is registered: a filter added later does not apply to the meters already there.
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setMetricsOptions(
                    // event bus meters cost a map lookup per message and say nothing that
                    // rapport_ingest_lag and the HTTP meters do not
                    new MicrometerMetricsOptions().setEnabled(true).setMicrometerRegistry(registry)
                        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
                        // the internal blocking pool is a worker pool too: without their names, the two pools'
                        // gauges were one series, whichever registered first
                        .addLabels(Label.POOL_NAME)));
    try {
      return start(settings, clock, registry, vertx);
    } catch (Exception | Error e) {
      vertx.close(); // a store or rule base that will not open must not leave its threads running
      throw e;
    }
  }

  private static Server start(Settings settings, Clock clock, PrometheusMeterRegistry registry, Vertx vertx)
      throws Exception {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JourneyMetrics metrics = new JourneyMetrics(registry);

    Path dataDir = settings.get(Settings.DATA_DIR);
    Files.createDirectories(dataDir);
    Ingest.Options ingestOptions = settings.ingest();
    Database.Options database = settings.database();
    JdbcStore store = Database.open(database, registry);
    Channels channels = null;
    try {
      LOG.info("store: {}, {} connections; {} partitions", store.describe(), database.poolSize(),
          ingestOptions.partitions());

      String rulesDir = settings.get(Settings.RULES_DIR);
      RuleBase ruleBase = RuleBase.open(store, rulesDir.isBlank() ? null : Path.of(rulesDir), clock,
          RuleLimits.withDecisionBudget(settings.get(Settings.DECISION_TIMEOUT)),
          DiscountCodes.unpredictable(),
          settings.get(Settings.GUARD_TRANSACTIONAL_TEMPLATES));
      ActiveRules rules = ruleBase.active();
      LOG.info("rules: version {}, {} rules", ruleBase.current().version(), rules.get().ruleNames().size());
      Keys keys = Keys.load(settings.keys(), dataDir);
      Gauge.builder("rapport.ingest.partitions", ingestOptions::partitions)
          .description("Partition workers deciding touchpoints").register(registry);
      Gauge.builder("rapport.rules.version", ruleBase, r -> r.current().version())
          .description("Version of the active rule base").register(registry);

      UnsubscribeLinks unsubscribe = new UnsubscribeLinks(settings.get(Settings.PUBLIC_URL),
          Keys.secret(settings.get(Settings.UNSUBSCRIBE_KEY), dataDir, "unsubscribe"));
      OutboxRelay relay = new OutboxRelay(vertx, store, metrics, settings.outbox(),
          new Guardrails(settings.guardrails()), clock, unsubscribe);
      Ingest ingest = new Ingest(ingestOptions, store, rules, metrics, relay, clock);
      String deployment =
          vertx.deployVerticle(ingest, new DeploymentOptions()).toCompletionStage().toCompletableFuture()
              .get(30, TimeUnit.SECONDS);

      AtomicReference<Ingest.PartitionHealth> partitionHealth = new AtomicReference<>(Ingest.PartitionHealth.GOOD);
      vertx.setPeriodic(1000, id -> partitionHealth.set(watch(ingest)));

      Router router = Router.router(vertx);
      router.route().handler(Server::answerBrokenBodies);
      new CustomerApi(vertx, store, keys).mount(router);
      new ErasureApi(vertx, store, ingest, keys, clock).mount(router);
      new HealthApi(vertx, store, rules, registry, partitionHealth::get).mount(router);
      new TouchpointsApi(vertx, store, ingest, keys).mount(router);
      new RulesApi(vertx, ruleBase, keys).mount(router);
      new SimulationsApi(vertx, store, ruleBase, keys).mount(router);
      ConnectorRouting routing = settings.routing();
      new ActionsApi(vertx, store, keys, routing, clock, relay::pausesChanged).mount(router);
      new ConnectorsApi(vertx, store, keys, routing, clock, relay::pausesChanged).mount(router);
      new TemplatesApi(vertx, store, keys, unsubscribe).mount(router);
      new UnsubscribeApi(vertx, unsubscribe, clock).mount(router);
      new ConsolePages(vertx).mount(router);
      KpiRefresh kpis = new KpiRefresh(vertx, store.kpis(), registry, settings.kpis(), clock);
      new StatsApi(vertx, store.kpis(), kpis, registry, () -> ruleBase.current().version(), clock, keys).mount(router);
      router.errorHandler(404, ctx -> json(ctx.response(), 404, "no such resource"));
      router.errorHandler(405, ctx -> json(ctx.response(), 405, "method not allowed"));
      // a body over its limit is refused by Vert.x's body handler before any of ours sees it
      router.errorHandler(413, ctx -> json(ctx.response(), 413, "request body too large"));
      router.errorHandler(500, ctx -> {
        if (ctx.response().ended()) { // answered already: a malformed body (see answerBrokenBodies)
          LOG.debug("{} {} failed after its answer", ctx.request().method(), ctx.request().path(), ctx.failure());
          return;
        }
        LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
        json(ctx.response(), 500, "internal error");
      });

      channels = Channels.start(vertx, router, settings.forRoutes(), extraRoutes(settings),
          Map.of(IngestKey.BEAN, new IngestKey(keys.accepted(Scope.INGEST), keys.open(Scope.INGEST)),
              WebhookSignature.BEAN, new WebhookSignature(settings.get(Settings.WEBHOOKS_SECRETS),
                  settings.get(Settings.WEBHOOKS_STRIPE_TOLERANCE), clock),
              ChannelMessages.BEAN, new ChannelMessages(registry)));
      HttpServer http =
          vertx.createHttpServer(httpOptions(settings))
              .requestHandler(router)
              .listen()
              .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      relay.start();
      TimerScheduler timers = new TimerScheduler(ingest, store, registry, clock, settings.timers());
      timers.start();
      StoreGauges gauges = new StoreGauges(vertx, store, metrics, settings.gauges());
      gauges.start();
      kpis.start();
      if (!rulesDir.isBlank()) {
        Path watched = Path.of(rulesDir);
        vertx.setPeriodic(settings.get(Settings.RULES_WATCH_INTERVAL).toMillis(),
            id -> vertx.executeBlocking(() -> ruleBase.watch(watched), false)
                .onFailure(e -> LOG.warn("rules.dir reload failed", e)));
      }
      // last: nothing after it can fail and leave its broker clients open
      ChannelLag lag = new ChannelLag(vertx, registry, settings.get(Settings.CHANNEL_LAG_REFRESH),
          settings.brokerBacklogs());
      lag.start();
      LOG.info("Rapport listening on port {}", http.actualPort());
      return new Server(vertx, store, relay, timers, channels, http, deployment, gauges, router, kpis, lag);
    } catch (Exception | Error e) {
      // Vert.x closes what runs on it; the store's pool and the channels' Camel context are ours to close
      close(e, channels);
      close(e, store);
      throw e;
    }
  }

  /**
   * The partitions' health, once a second. A partition stalled for {@link #GIVE_UP_AFTER} will not come back (a
   * Java thread cannot be stopped): the process exits, so that its supervisor starts it again. Every touchpoint
   * acknowledged is stored, and clients retry the rest.
   */
  private static Ingest.PartitionHealth watch(Ingest ingest) {
    Ingest.PartitionHealth health = ingest.watch();
    if (health.longestStall().compareTo(GIVE_UP_AFTER) >= 0) {
      LOG.error("a partition has made no progress for {} s: exiting, for the supervisor to start the server again",
          health.longestStall().toSeconds());
      if (EXITING.compareAndSet(false, true)) {
        new Thread(() -> System.exit(70), "rapport-exit").start();
      }
    } else if (health.stalled()) {
      LOG.error("a partition has made no progress for {} s: not ready", health.longestStall().toSeconds());
    }
    return health;
  }

  /** Closes what a failed start opened, keeping the start's failure the one thrown. */
  private static void close(Throwable failure, AutoCloseable opened) {
    if (opened == null) {
      return;
    }
    try {
      opened.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  private static void json(io.vertx.core.http.HttpServerResponse response, int status, String error) {
    if (!response.ended()) {
      response.setStatusCode(status).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", error).put("details", new io.vertx.core.json.JsonArray()).encode());
    }
  }

  /**
   * A body whose framing is broken (a chunk size that is no number, more bytes than a chunk said) makes Vert.x close
   * the connection as soon as it has told the request's exchange: this answers 400 first, so that the client learns
   * it was its mistake rather than seeing the connection drop.
   */
  private static void answerBrokenBodies(io.vertx.ext.web.RoutingContext ctx) {
    io.vertx.core.http.HttpServerResponse response = ctx.response();
    response.exceptionHandler(e -> {
      if (!response.ended() && !response.headWritten() && !response.closed()) {
        response.setStatusCode(400).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
            .end(new JsonObject().put("error", "the request body is malformed: " + e.getMessage())
                .put("details", new io.vertx.core.json.JsonArray()).encode());
        // Vert.x closes the connection as soon as this returns, before its next flush: flush now, or the answer is
        // lost (the connection's flush is not in Vert.x's public API)
        if (ctx.request().connection() instanceof io.vertx.core.net.impl.ConnectionBase connection) {
          connection.flush();
        }
      }
    });
    ctx.next();
  }

  private static HttpServerOptions httpOptions(Settings settings) {
    HttpServerOptions options = new HttpServerOptions().setHost(settings.get(Settings.HTTP_HOST))
        .setPort(settings.get(Settings.HTTP_PORT)).setCompressionSupported(true);
    if (!settings.get(Settings.TLS_CERT).isBlank()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(settings.get(Settings.TLS_CERT)).setKeyPath(settings.get(Settings.TLS_KEY)));
    }
    return options;
  }

  private static List<Path> extraRoutes(Settings settings) throws java.io.IOException {
    String dir = settings.get(Settings.ROUTES_DIR);
    List<Path> files = new ArrayList<>();
    if (dir.isBlank()) {
      return files;
    }
    try (Stream<Path> s = Files.list(Path.of(dir))) {
      s.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().forEach(files::add);
    }
    return files;
  }

  public int port() {
    return http.actualPort();
  }

  public JdbcStore store() {
    return store;
  }

  /** The HTTP routes, the Camel routes' included: for the test that every route is in the OpenAPI document. */
  Router router() {
    return router;
  }

  Channels channels() {
    return channels;
  }

  /** The KPI refreshes: for tests and tools that need one now. */
  public KpiRefresh kpis() {
    return kpis;
  }

  /** Stops taking input, decides what is queued, stops delivering, closes the store. */
  @Override
  public void close() {
    try {
      http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      timers.stop();
      channels.close();
      gauges.stop();
      lag.stop();
      kpis.stop();
      vertx.undeploy(ingestDeployment).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      relay.stop();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("shutdown: {}", e.toString());
    } finally {
      store.close();
    }
  }
}
