package io.rapport.engine.config;

import io.rapport.engine.access.Keys;
import io.rapport.engine.ingest.Ingest;
import io.rapport.engine.kpi.KpiRefresh;
import io.rapport.engine.metrics.Backlog;
import io.rapport.engine.metrics.ChannelLag;
import io.rapport.engine.metrics.KafkaBacklog;
import io.rapport.engine.metrics.RabbitMqBacklog;
import io.rapport.engine.metrics.StoreGauges;
import io.rapport.engine.outbox.ConnectorRouting;
import io.rapport.engine.outbox.Guardrails;
import io.rapport.engine.outbox.OutboxRelay;
import io.rapport.engine.store.jdbc.Database;
import io.rapport.engine.timers.TimerScheduler;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every configuration key Rapport reads, declared once with its default, description and validation, and parsed once
 * at start into the options each part of the server takes. Values come from the defaults, then the config file, then
 * environment variables. The documentation's table ({@link #table()}) and the routes' placeholders ({@link
 * #forRoutes()}) come from these declarations. Long because every key is declared here, in one place.
 */
public final class Settings {
  private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9_-]*");
  private static final String AUTO = "auto";
  private static final int PARTITIONS_PER_CORE = 2;
  private static final int MOST_AUTO_PARTITIONS = 32;
  private static final int POOL_BEYOND_PARTITIONS = 8;
  /** The drop.dir that turns the drop folder off. */
  private static final String OFF = "off";
  private static final Pattern WEBHOOK_SOURCE = Pattern.compile("[a-z0-9][a-z0-9_-]*");

  public static final Setting<String> HTTP_HOST =
      text("http.host", "0.0.0.0", "Address the HTTP server binds to.");
  public static final Setting<Integer> HTTP_PORT =
      Setting.of("http.port", "8080", "HTTP port for the API, ingestion and /metrics; 0 picks a free port.",
          v -> range(parseInt(v), 0, 65535));
  public static final Setting<Path> DATA_DIR =
      Setting.of("data.dir", "./data", "Directory for the embedded database, the drop folder and generated keys.",
          Path::of);
  public static final Setting<String> DB_URL =
      text("db.url", "", "JDBC URL of the store: empty for the embedded H2 database under data.dir, "
          + "jdbc:postgresql://host:5432/db for PostgreSQL.");
  public static final Setting<String> DB_USER = text("db.user", "", "Database user.");
  public static final Setting<String> DB_PASSWORD =
      Setting.secret("db.password", "", "Database password; never logged.").hiddenFromRoutes();
  public static final Setting<Optional<Integer>> DB_POOL_SIZE =
      Setting.of("db.pool-size", AUTO, "Connections in the database pool, at least ingest.partitions + 2; auto is "
          + "ingest.partitions + " + POOL_BEYOND_PARTITIONS + ", one per partition and the rest for the relay, the "
          + "timers, the API and the gauges.",
          v -> v.equals(AUTO) ? Optional.empty() : Optional.of(range(parseIntOr(v, AUTO), 2, 200)));
  // Off by default, as PostgreSQL has it: a page written again before a checkpoint then goes to disk once.
  public static final Setting<Integer> DB_FLUSH_AFTER_KB =
      integer("db.flush-after-kb", "0", 0, 2048, "PostgreSQL only: have the kernel write the server's data pages "
          + "out every this many kB (PostgreSQL's backend_flush_after) rather than at a checkpoint's sync, all at "
          + "once; 0 leaves PostgreSQL's own setting. Set it if checkpoint syncs stall commits on your disk: it costs "
          + "more disk writes.");
  // A partition decides, then waits on its commit; meanwhile another partition's turn keeps the core busy, hence
  // two per core. At most 32: each holds a connection, and PostgreSQL allows 100 by default.
  public static final Setting<Integer> PARTITIONS =
      Setting.of("ingest.partitions", AUTO, "Partition workers: each decides its customers one touchpoint at a "
          + "time, in order; auto is two per processor core, at most " + MOST_AUTO_PARTITIONS + ".",
          v -> v.equals(AUTO) ? autoPartitions(Runtime.getRuntime().availableProcessors())
              : range(parseIntOr(v, AUTO), 1, 256));
  public static final Setting<Integer> GROUP_COMMIT_MAX =
      integer("ingest.group-commit-max", "2000", 1, 100_000, "Most touchpoints a partition writes in one transaction.");
  public static final Setting<Integer> MAX_IN_FLIGHT =
      integer("ingest.max-in-flight", "100000", 1, 10_000_000, "Touchpoints accepted but not yet committed; beyond "
          + "it ingestion answers 503 with Retry-After.");
  public static final Setting<Integer> MAX_BATCH_ITEMS =
      integer("ingest.max-batch-items", "10000", 1, 1_000_000, "Most touchpoints in one request or drop-folder "
          + "chunk; more is 413.");
  public static final Setting<Long> MAX_BODY_BYTES =
      Setting.of("ingest.max-body-bytes", "16777216", "Largest request body in bytes; larger is 413.",
          v -> (long) range(parseLong(v), 1024, Integer.MAX_VALUE));
  public static final Setting<Integer> CACHE_CUSTOMERS =
      integer("cache.customers", "1000000", 0, 100_000_000, "Customers kept in memory across all partitions, about "
          + "250 bytes of heap each; the least recently used leave first.");
  public static final Setting<String> DROP_DIR =
      text("drop.dir", "", "Folder watched for .ndjson touchpoint files; empty means data.dir/inbox, off turns it off.");
  public static final Setting<Integer> DROP_CHUNK_SIZE =
      integer("drop.chunk-size", "1000", 1, 1_000_000, "Touchpoints of a dropped file handed to the engine at once.");
  public static final Setting<Integer> DROP_POLL_MS =
      integer("drop.poll-ms", "1000", 10, 3_600_000, "How often the drop folder is looked at, in milliseconds.");
  public static final Setting<String> ROUTES_DIR =
      text("routes.dir", "", "Folder of extra Camel YAML routes loaded beside the default ones.");
  public static final Setting<String> WEBHOOK_URL =
      Setting.secret("webhook.url", "", "URL the webhook connector POSTs actions to; treated as a secret, since it "
          + "may carry a token.");
  public static final Setting<Integer> WEBHOOK_TIMEOUT_MS =
      integer("webhook.timeout-ms", "10000", 100, 600_000, "Webhook connect and response timeout in milliseconds. "
          + "The relay waits 5 s longer for a connector's answer, and claims an action 5 s longer still.");
  public static final Setting<String> ACTIONS_CONNECTOR =
      Setting.of("actions.connector", "log", "Connector that delivers the actions of every channel not named in "
          + "actions.connectors: log or webhook, or one an extra route declares.", Settings::word);
  public static final Setting<Map<String, String>> ACTIONS_CONNECTORS =
      Setting.of("actions.connectors", "", "Connector per action channel, for example email=webhook,support=log.",
          Settings::pairs);
  public static final Setting<Integer> OUTBOX_MAX_ATTEMPTS =
      integer("outbox.max-attempts", "8", 1, 100, "Delivery attempts before an action is marked failed.");
  public static final Setting<Duration> OUTBOX_BACKOFF_INITIAL =
      duration("outbox.backoff-initial", "PT1S", "Wait before the first retry; it doubles with each attempt.");
  public static final Setting<Duration> OUTBOX_BACKOFF_MAX =
      duration("outbox.backoff-max", "PT10M", "Longest wait between two attempts.");
  public static final Setting<Duration> OUTBOX_POLL_INTERVAL =
      duration("outbox.poll-interval", "PT1S", "How often the outbox relay looks for due actions when no commit "
          + "wakes it: retries, and the claims of a server that stopped.");
  public static final Setting<Integer> OUTBOX_BATCH =
      integer("outbox.batch", "200", 1, 10_000, "Most actions in flight at once; the relay sends the next as each "
          + "answer comes, so a slow receiver holds one slot, not the others. With a webhook, keep this times its "
          + "response time divided by 5 connections under webhook.timeout-ms.");
  public static final Setting<Duration> TIMERS_POLL_INTERVAL =
      duration("timers.poll-interval", "PT1S", "How often due timers are looked for.");
  public static final Setting<Integer> TIMERS_BATCH =
      integer("timers.batch", "500", 1, 100_000, "Timers claimed and fired at once.");
  public static final Setting<String> INGEST_KEY =
      Setting.secret("ingest.key", "", "Key for sending touchpoints (Authorization: Bearer KEY; 401 without, 403 "
          + "wrong); empty means one is generated in data.dir/ingest.key at first start.").hiddenFromRoutes();
  public static final Setting<Boolean> INGEST_OPEN =
      flag("ingest.open", "Take touchpoints without a key; the server warns of it at every start.");
  public static final Setting<String> READ_KEY =
      Setting.secret("read.key", "", "Key for reading customers, journeys, rules and stats; empty means one is "
          + "generated in data.dir/read.key at first start.").hiddenFromRoutes();
  public static final Setting<Boolean> READ_OPEN =
      flag("read.open", "Let customers, journeys, rules and stats be read without a key (listing every customer "
          + "still needs one); the server warns of it at every start.");
  public static final Setting<String> ADMIN_KEY =
      Setting.secret("admin.key", "", "Key for everything, the admin endpoints included (Authorization: Bearer KEY); "
          + "empty means one is generated in data.dir/admin.key at first start.").hiddenFromRoutes();
  public static final Setting<Map<String, String>> ADMIN_KEYS =
      new Setting<>("admin.keys", "", "More admin keys, each with a name, name:key,...: a rule version records the "
          + "name of the key that made it.", true, false, Settings::namedKeys);
  public static final Setting<String> TLS_CERT =
      text("http.tls.cert", "", "PEM file of the HTTP server's certificate (chain); with http.tls.key, the server "
          + "speaks HTTPS only.");
  public static final Setting<String> TLS_KEY =
      text("http.tls.key", "", "PEM file of the private key of http.tls.cert.");
  public static final Setting<String> RULES_DIR =
      text("rules.dir", "", "Folder of DRL files (and .yaml scenarios) laid over the default rules; watched and "
          + "reloaded when it changes.");
  public static final Setting<Duration> DECISION_TIMEOUT =
      duration("rules.decision-timeout", "PT0.2S", "Longest the rules may take to decide one touchpoint, in the "
          + "deciding thread's CPU time (checked between two rule firings, with a cap of firings too); past it the "
          + "touchpoint is stored as a rule_error naming the rule, and its customer is left as it was.");
  public static final Setting<Duration> RULES_WATCH_INTERVAL =
      duration("rules.watch-interval", "PT2S", "How often rules.dir is checked for changes; a change goes live once "
          + "the folder has read the same for one interval, so that a file caught half-written is never tried.");
  public static final Setting<Duration> METRICS_REFRESH =
      duration("metrics.refresh", "PT15S", "Least time between the beginnings of two censuses of the gauges counted "
          + "in the store (customers per stage, timers pending); a large store is counted less often, at the same "
          + "small cost (see metrics.count-spacing).");
  public static final Setting<Integer> METRICS_COUNT_SPACING =
      integer("metrics.count-spacing", "100", 1, 100_000, "A census counts a slice of a table at a time; after each "
          + "slice the next waits this many times as long as the slice took: 100 keeps counting under 1% of one "
          + "connection's time, 1 counts as fast as half a connection's time allows.");
  public static final Setting<Duration> CHANNEL_LAG_REFRESH =
      duration("metrics.channel-lag-refresh", "PT5S", "Time from the end of one reading of the brokers' backlogs "
          + "(rapport_channel_lag: Kafka records not yet committed by kafka.group, RabbitMQ messages ready in "
          + "amqp.touchpoints-queue) to the beginning of the next; a scrape shows the latest reading and asks no broker.");
  // KPIs (issue 30, h30a): the managers' numbers, refreshed on a schedule.
  public static final Setting<Duration> KPI_WINDOW =
      duration("kpi.window", "P90D", "The window the KPIs are computed over, ending at each refresh (ISO-8601, such as "
          + "P90D): NPS, retention and churn (against the window before), engagement, outcomes and journeys.");
  public static final Setting<Duration> KPI_ATTRIBUTION_WINDOW =
      duration("kpi.attribution-window", "P14D", "A purchase this long or less after an action sent to its customer "
          + "is attributed to the action's rule and template (the latest such action): attribution, not proof of cause.");
  public static final Setting<Duration> KPI_REFRESH_INTERVAL =
      duration("kpi.refresh-interval", "PT5M", "Time from the end of one KPI refresh to the beginning of the next; "
          + "the gauges and GET /v1/stats show the latest.");
  public static final Setting<Duration> KPI_HISTORY =
      duration("kpi.history", "P30D", "How long KPI refreshes are kept for their trend; older ones are deleted.");

  // h28a, channels in from brokers: Kafka, RabbitMQ, MQTT. Each channel is on when its address is set.
  public static final Setting<String> KAFKA_BROKERS =
      text("kafka.brokers", "", "Kafka bootstrap servers (host:port,...); empty: no Kafka channel or connector.");
  public static final Setting<String> KAFKA_TOUCHPOINTS_TOPIC =
      Setting.of("kafka.touchpoints-topic", "rapport.touchpoints", "Kafka topic of canonical touchpoints (JSON "
          + "values keyed by customer id) that the Kafka channel reads.", Settings::brokerName);
  public static final Setting<String> KAFKA_GROUP =
      Setting.of("kafka.group", "rapport", "Kafka consumer group of the Kafka channel; its offsets are committed "
          + "once the touchpoints are stored.", Settings::brokerName);
  public static final Setting<String> KAFKA_DEAD_LETTER_TOPIC =
      Setting.of("kafka.dead-letter-topic", "rapport.touchpoints.dlq", "Kafka topic the Kafka channel sends records "
          + "that are not valid touchpoints to, as they came, with the reason in the header rapport-reason.",
          Settings::brokerName);
  public static final Setting<Integer> KAFKA_MAX_POLL_RECORDS =
      integer("kafka.max-poll-records", "500", 1, 100_000, "Most Kafka records the Kafka channel takes in one poll "
          + "and hands the engine as one batch; at most ingest.max-batch-items.");
  public static final Setting<String> AMQP_URI =
      Setting.secret("amqp.uri", "", "RabbitMQ (AMQP 0.9.1) URI, amqp://user:password@host:5672/vhost; empty: no "
          + "RabbitMQ channel. A secret, since it carries the password.");
  public static final Setting<String> AMQP_TOUCHPOINTS_QUEUE =
      Setting.of("amqp.touchpoints-queue", "rapport.touchpoints", "Durable RabbitMQ queue of canonical touchpoints "
          + "that the RabbitMQ channel reads (declared if missing); refused messages go to NAME.dlq.",
          Settings::brokerName);
  public static final Setting<Integer> AMQP_PREFETCH =
      integer("amqp.prefetch", "250", 1, 65_535, "Most RabbitMQ messages delivered to the server and not yet "
          + "acknowledged; a message is acknowledged once its touchpoints are stored.");
  public static final Setting<String> MQTT_URL =
      text("mqtt.url", "", "MQTT v5 broker, tcp://host:1883 (ssl://host:8883); empty: no MQTT channel.");
  public static final Setting<String> MQTT_TOUCHPOINTS_TOPIC =
      Setting.of("mqtt.touchpoints-topic", "rapport/touchpoints/#", "MQTT topic filter of canonical touchpoints the "
          + "MQTT channel subscribes to, at QoS 1.", Settings::brokerName);
  public static final Setting<String> MQTT_DEAD_LETTER_TOPIC =
      Setting.of("mqtt.dead-letter-topic", "rapport/dead-letters/touchpoints", "MQTT topic the MQTT channel "
          + "publishes messages that are not valid touchpoints to, as they came, with the reason in the user "
          + "property rapport-reason; it must not match mqtt.touchpoints-topic.", Settings::brokerName);
  public static final Setting<String> MQTT_CLIENT_ID =
      Setting.of("mqtt.client-id", "rapport", "MQTT client id of the MQTT channel: the broker keeps its session (and "
          + "the messages published meanwhile) for a day while the server is down. Unique per server.",
          Settings::brokerName);
  public static final Setting<Integer> MQTT_IN_FLIGHT =
      integer("mqtt.in-flight", "100", 1, 65_535, "Most MQTT messages delivered to the server and not yet "
          + "acknowledged; a message is acknowledged once its touchpoints are stored.");

  // Issue 28, h28b: signed webhooks, JSONata mappings, CSV and backfill files.
  public static final Setting<Map<String, String>> WEBHOOKS_SECRETS =
      new Setting<>("webhooks.secrets", "", "Each webhook source's secret, source=secret,...: POST "
          + "/v1/webhooks/SOURCE is taken only with that source's signature (shopify and stripe sign their way, "
          + "other sources with X-Rapport-Signature); a source with no secret is 404. Never logged.", true, false,
          Settings::webhookSecrets);
  public static final Setting<Duration> WEBHOOKS_STRIPE_TOLERANCE =
      duration("webhooks.stripe-tolerance", "PT5M", "How far the time in a Stripe signature may be from now; older "
          + "(a replayed or long-delayed request) is 401. Stripe's own libraries take 5 minutes.");
  public static final Setting<String> MAPPINGS_DIR =
      text("mappings.dir", "", "Folder of JSONata mappings laid over the shipped ones: SOURCE.jsonata for "
          + "webhooks, csv-PREFIX.jsonata for CSV files; a file is read again when it changes.");

  // Issue 29, connectors (h29a): where actions go and how each connector reaches its receiver.
  public static final Setting<String> PUBLIC_URL =
      Setting.of("http.public-url", "", "Base URL this server is reached at from outside (https://crm.example.com), for "
          + "the links in messages such as the unsubscribe link; empty: emails carry no unsubscribe link.",
          Settings::baseUrl);
  public static final Setting<String> UNSUBSCRIBE_KEY =
      Setting.secret("unsubscribe.key", "", "Secret the unsubscribe links are signed with; empty means one is "
          + "generated in data.dir/unsubscribe.key at first start. Servers sharing a database need the same.")
          .hiddenFromRoutes();
  public static final Setting<String> EMAIL_SMTP_HOST =
      text("email.smtp-host", "", "SMTP server the email connector sends through; empty: the email connector is off "
          + "and email actions go to actions.connector (or wait, when actions.connectors sends them to email).");
  public static final Setting<Integer> EMAIL_SMTP_PORT =
      integer("email.smtp-port", "587", 1, 65535, "SMTP port.");
  public static final Setting<String> EMAIL_SMTP_USER = text("email.smtp-user", "", "SMTP user; empty: no login.");
  public static final Setting<String> EMAIL_SMTP_PASSWORD =
      Setting.secret("email.smtp-password", "", "SMTP password; never logged.");
  public static final Setting<Boolean> EMAIL_STARTTLS =
      Setting.of("email.starttls", "true", "Require STARTTLS on the SMTP connection (turn off only for a local relay).",
          v -> switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("is neither true nor false");
          });
  public static final Setting<String> EMAIL_FROM =
      text("email.from", "", "Sender of the emails, such as \"Shop <hello@shop.example>\"; required with "
          + "email.smtp-host.");
  public static final Setting<String> EMAIL_TEMPLATES_DIR =
      text("email.templates-dir", "", "Folder of email templates laid over the shipped ones: NAME.subject, NAME.txt "
          + "and NAME.html (Mustache) per action template NAME; read at each send, so an edit applies to the next email.");
  public static final Setting<String> EMAIL_UNSUBSCRIBE_MAILTO =
      text("email.unsubscribe-mailto", "", "Optional address for mailto: unsubscribes, listed in List-Unsubscribe "
          + "after the link; mail sent there is not read by Rapport.");
  public static final Setting<String> WEBHOOK_SECRET =
      Setting.of("webhook.secret", "", "Standard Webhooks signing secret (whsec_ followed by base64 of 24 to 64 random "
          + "bytes): each webhook call then carries webhook-id, webhook-timestamp and webhook-signature; never logged.",
          Settings::webhookSecret).asSecret();
  public static final Setting<String> SLACK_URL =
      Setting.secret("slack.url", "", "Slack incoming-webhook URL for the slack connector; empty: off.");
  public static final Setting<String> SMS_URL =
      Setting.secret("sms.url", "", "URL of the SMS gateway the sms connector POSTs {\"to\", \"text\", "
          + "\"idempotencyKey\"} to; empty: off.");
  public static final Setting<String> SMS_BODY =
      text("sms.body", "[[template]][[#params.discountCode]] [[params.discountCode]][[/params.discountCode]]", "The "
          + "text of an SMS: a Mustache template over template, params.* and attributes.*, written with [[ ]] instead "
          + "of {{ }} (which are the configuration's placeholders).");
  public static final Setting<String> KAFKA_ACTIONS_TOPIC =
      Setting.of("kafka.actions-topic", "rapport.actions", "Topic the kafka connector writes actions to, keyed by "
          + "customer id.", Settings::topic);
  public static final Setting<String> TICKET_URL =
      Setting.secret("ticket.url", "", "Help-desk URL the ticket connector POSTs a ticket to (subject, priority, the "
          + "customer and their recent journey); set, it takes the support channel from the webhook; empty: off.");

  // Issue 29, h29b: the guardrails applied as an action is sent (consent, frequency cap, quiet hours, stale).
  public static final Setting<Set<String>> GUARD_TRANSACTIONAL_TEMPLATES =
      Setting.of("guard.transactional-templates", "escalation,receipt", "Templates whose actions are transactional "
          + "(exempt from opt-outs, the frequency cap and quiet hours), besides those a rule marks with "
          + "journey.with(\"transactional\", true).", GuardValues::templates);
  public static final Setting<Integer> GUARD_FREQUENCY_MAX =
      integer("guard.frequency.max", "3", 0, 10_000, "Most marketing actions sent to one customer per "
          + "guard.frequency.window, counted by send time; one more is recorded suppressed, reason frequency. 0: no cap.");
  public static final Setting<Duration> GUARD_FREQUENCY_WINDOW =
      duration("guard.frequency.window", "P7D", "The window of the frequency cap (ISO-8601).");
  public static final Setting<Boolean> GUARD_QUIET_ENABLED =
      Setting.of("guard.quiet.enabled", "true", "Whether marketing actions wait for the end of the quiet hours in the "
          + "customer's time zone (attribute timezone, else guard.quiet.timezone).", v -> switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("is neither true nor false");
          });
  public static final Setting<LocalTime> GUARD_QUIET_START =
      Setting.of("guard.quiet.start", "21:00", "Local time the quiet hours begin.", GuardValues::timeOfDay);
  public static final Setting<LocalTime> GUARD_QUIET_END =
      Setting.of("guard.quiet.end", "08:00", "Local time the quiet hours end (the next day when earlier than the "
          + "start); a held action goes out then.", GuardValues::timeOfDay);
  public static final Setting<ZoneId> GUARD_QUIET_TIMEZONE =
      Setting.of("guard.quiet.timezone", "UTC", "Time zone of the quiet hours of a customer without a valid timezone "
          + "attribute.", GuardValues::zone);
  public static final Setting<Duration> GUARD_MAX_AGE =
      duration("guard.max-age", "P3D", "An action decided on an event older than this when it is about to be sent "
          + "is recorded suppressed, reason stale (ISO-8601).");
  public static final Setting<Map<String, Duration>> GUARD_MAX_AGE_BY_TEMPLATE =
      Setting.of("guard.max-age-by-template", "", "Templates with an age of their own, for example "
          + "birthday-offer=P1D,escalation=P30D.", GuardValues::agesByTemplate);

  /** The guardrails as configured. */
  public Guardrails.Options guardrails() {
    return new Guardrails.Options(get(GUARD_FREQUENCY_MAX), get(GUARD_FREQUENCY_WINDOW), get(GUARD_QUIET_ENABLED),
        get(GUARD_QUIET_START), get(GUARD_QUIET_END), get(GUARD_QUIET_TIMEZONE), get(GUARD_MAX_AGE),
        get(GUARD_MAX_AGE_BY_TEMPLATE));
  }

  /** Every key, in the order the documentation lists them. */
  public static final List<Setting<?>> ALL =
      List.of(HTTP_HOST, HTTP_PORT, DATA_DIR, DB_URL, DB_USER, DB_PASSWORD, DB_POOL_SIZE, DB_FLUSH_AFTER_KB,
          PARTITIONS, GROUP_COMMIT_MAX, MAX_IN_FLIGHT, MAX_BATCH_ITEMS, MAX_BODY_BYTES, CACHE_CUSTOMERS, DROP_DIR,
          DROP_CHUNK_SIZE, DROP_POLL_MS, ROUTES_DIR, WEBHOOK_URL, WEBHOOK_TIMEOUT_MS, ACTIONS_CONNECTOR,
          ACTIONS_CONNECTORS, OUTBOX_MAX_ATTEMPTS, OUTBOX_BACKOFF_INITIAL, OUTBOX_BACKOFF_MAX, OUTBOX_POLL_INTERVAL,
          OUTBOX_BATCH, TIMERS_POLL_INTERVAL, TIMERS_BATCH, INGEST_KEY, INGEST_OPEN, READ_KEY, READ_OPEN, ADMIN_KEY,
          ADMIN_KEYS, TLS_CERT, TLS_KEY, RULES_DIR, DECISION_TIMEOUT, RULES_WATCH_INTERVAL, METRICS_REFRESH,
          METRICS_COUNT_SPACING, CHANNEL_LAG_REFRESH,
          KAFKA_BROKERS, KAFKA_TOUCHPOINTS_TOPIC, KAFKA_GROUP, KAFKA_DEAD_LETTER_TOPIC, KAFKA_MAX_POLL_RECORDS,
          AMQP_URI,
          AMQP_TOUCHPOINTS_QUEUE, AMQP_PREFETCH, MQTT_URL, MQTT_TOUCHPOINTS_TOPIC, MQTT_DEAD_LETTER_TOPIC, MQTT_CLIENT_ID,
          MQTT_IN_FLIGHT,
          WEBHOOKS_SECRETS, WEBHOOKS_STRIPE_TOLERANCE, MAPPINGS_DIR,
          PUBLIC_URL, UNSUBSCRIBE_KEY, EMAIL_SMTP_HOST, EMAIL_SMTP_PORT, EMAIL_SMTP_USER, EMAIL_SMTP_PASSWORD,
          EMAIL_STARTTLS, EMAIL_FROM, EMAIL_TEMPLATES_DIR, EMAIL_UNSUBSCRIBE_MAILTO, WEBHOOK_SECRET, SLACK_URL, SMS_URL,
          SMS_BODY, KAFKA_ACTIONS_TOPIC, TICKET_URL,
          GUARD_TRANSACTIONAL_TEMPLATES, GUARD_FREQUENCY_MAX, GUARD_FREQUENCY_WINDOW, GUARD_QUIET_ENABLED,
          GUARD_QUIET_START, GUARD_QUIET_END, GUARD_QUIET_TIMEZONE, GUARD_MAX_AGE, GUARD_MAX_AGE_BY_TEMPLATE,
          KPI_WINDOW, KPI_ATTRIBUTION_WINDOW, KPI_REFRESH_INTERVAL, KPI_HISTORY);

  /** The environment variable naming a config file; `--config` on the command line wins. */
  public static final String CONFIG_FILE_ENV = "RAPPORT_CONFIG";

  /** How long a connector may take beyond its own timeout before the relay counts the delivery as unanswered. */
  private static final Duration ROUTE_GRACE = Duration.ofSeconds(5);
  /** How long a claim outlives the wait for an answer, so that no other relay takes an action still in flight. */
  private static final Duration CLAIM_GRACE = Duration.ofSeconds(5);
  /** How long a claimed timer is held: longer than deciding a batch of them takes, even behind a busy partition. */
  private static final Duration TIMER_LEASE = Duration.ofSeconds(60);

  private final Map<String, String> raw;
  private final Map<String, Object> values;

  private Settings(Map<String, String> raw, Map<String, Object> values) {
    this.raw = raw;
    this.values = values;
  }

  /**
   * Reads defaults, then the config file (if any), then environment variables, and parses every value.
   *
   * @throws ConfigException naming the key on an unknown key or a bad value
   */
  public static Settings load(Map<String, String> env, Path configFile) {
    Map<String, String> raw = new LinkedHashMap<>();
    ALL.forEach(s -> raw.put(s.key(), s.defaultValue()));
    if (configFile != null) {
      Properties file = new Properties();
      try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
        file.load(r);
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + configFile + ": " + e.getMessage());
      }
      for (String name : file.stringPropertyNames()) {
        // A file may name a key either way: http.port or RAPPORT_HTTP_PORT.
        String key = ALL.stream().filter(s -> s.env().equals(name)).map(Setting::key).findFirst().orElse(name);
        if (!raw.containsKey(key)) {
          throw new ConfigException(configFile + ": unknown key '" + name + "'");
        }
        raw.put(key, file.getProperty(name));
      }
    }
    for (Setting<?> s : ALL) {
      String v = env.get(s.env());
      if (v != null) {
        raw.put(s.key(), v);
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    ALL.forEach(s -> values.put(s.key(), s.parse(raw.get(s.key()))));
    Settings settings = new Settings(Collections.unmodifiableMap(raw), Collections.unmodifiableMap(values));
    settings.checkTogether();
    return settings;
  }

  /** Defaults only, with some keys set: for tests and tools. */
  public static Settings of(Map<String, String> values) {
    Map<String, String> env = new LinkedHashMap<>();
    values.forEach((k, v) -> env.put(byKey(k).env(), v));
    return load(env, null);
  }

  private static Setting<?> byKey(String key) {
    return ALL.stream()
        .filter(s -> s.key().equals(key))
        .findFirst()
        .orElseThrow(() -> new ConfigException("unknown key '" + key + "'"));
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return (T) values.get(setting.key());
  }

  /** Connections in the database pool: db.pool-size, or enough for every partition and the rest. */
  public int poolSize() {
    return get(DB_POOL_SIZE).orElseGet(() -> get(PARTITIONS) + POOL_BEYOND_PARTITIONS);
  }

  /** The store: db.url, or the embedded database in {@code data.dir}. */
  public Database.Options database() {
    String url = get(DB_URL);
    return new Database.Options(url.isBlank() ? Database.embeddedUrl(get(DATA_DIR)) : url, get(DB_USER),
        get(DB_PASSWORD), poolSize(), get(DB_FLUSH_AFTER_KB));
  }

  public Ingest.Options ingest() {
    return new Ingest.Options(get(PARTITIONS), get(MAX_IN_FLIGHT), get(GROUP_COMMIT_MAX), get(CACHE_CUSTOMERS),
        get(MAX_BATCH_ITEMS));
  }

  /**
   * The relay waits for a connector's answer as long as the slowest connector may take (the webhook's timeout) and
   * a little more for the route around it; a claim lasts a little longer still, so that no other relay's poll takes
   * an action whose answer is still on its way.
   */
  public OutboxRelay.Options outbox() {
    Duration answerTimeout = Duration.ofMillis(get(WEBHOOK_TIMEOUT_MS)).plus(ROUTE_GRACE);
    return new OutboxRelay.Options(get(OUTBOX_BATCH), get(OUTBOX_MAX_ATTEMPTS), get(OUTBOX_POLL_INTERVAL),
        answerTimeout, answerTimeout.plus(CLAIM_GRACE), get(OUTBOX_BACKOFF_INITIAL), get(OUTBOX_BACKOFF_MAX),
        routing());
  }

  /** Which connector takes each channel, and which built-in connectors have their address set. */
  public ConnectorRouting routing() {
    Set<String> on = new java.util.HashSet<>(Set.of("log"));
    Map<String, Setting<String>> addresses = Map.of("webhook", WEBHOOK_URL, "email", EMAIL_SMTP_HOST, "slack",
        SLACK_URL, "sms", SMS_URL, "kafka", KAFKA_BROKERS, "ticket", TICKET_URL);
    addresses.forEach((connector, address) -> {
      if (!get(address).isBlank()) {
        on.add(connector);
      }
    });
    return ConnectorRouting.of(get(ACTIONS_CONNECTOR), get(ACTIONS_CONNECTORS), on);
  }

  public TimerScheduler.Options timers() {
    return new TimerScheduler.Options(get(TIMERS_POLL_INTERVAL), get(TIMERS_BATCH), TIMER_LEASE);
  }

  public Keys.Options keys() {
    return new Keys.Options(get(ADMIN_KEY), get(ADMIN_KEYS), get(READ_KEY), get(INGEST_KEY), get(READ_OPEN),
        get(INGEST_OPEN));
  }

  public StoreGauges.Options gauges() {
    return new StoreGauges.Options(get(METRICS_REFRESH), get(METRICS_COUNT_SPACING));
  }

  /**
   * The backlogs the lag gauge reads: one per broker channel that is on and whose broker counts what waits for it,
   * read with the channel's own address and names. MQTT's has no such count (see docs/integrators.md).
   */
  public List<Backlog> brokerBacklogs() {
    List<Backlog> backlogs = new ArrayList<>();
    if (!get(KAFKA_BROKERS).isBlank()) {
      backlogs.add(new KafkaBacklog(get(KAFKA_BROKERS), get(KAFKA_TOUCHPOINTS_TOPIC), get(KAFKA_GROUP),
          ChannelLag.READ_TIMEOUT));
    }
    if (!get(AMQP_URI).isBlank()) {
      backlogs.add(new RabbitMqBacklog(get(AMQP_URI), get(AMQP_TOUCHPOINTS_QUEUE), ChannelLag.READ_TIMEOUT));
    }
    return backlogs;
  }

  public KpiRefresh.Options kpis() {
    return new KpiRefresh.Options(get(KPI_WINDOW), get(KPI_ATTRIBUTION_WINDOW), get(KPI_REFRESH_INTERVAL),
        get(KPI_HISTORY));
  }

  /** The drop folder, or none when drop.dir is off. */
  public Optional<Path> dropDir() {
    String dir = get(DROP_DIR);
    if (dir.equals(OFF)) {
      return Optional.empty();
    }
    return Optional.of(dir.isBlank() ? get(DATA_DIR).resolve("inbox").toAbsolutePath() : Path.of(dir));
  }

  /**
   * The value of every setting routes may read, as the {@code {{rapport.KEY}}} placeholders of the route files:
   * one value per key, so a route's default is the setting's default. drop.dir is the folder itself (empty when off).
   */
  public Properties forRoutes() {
    Properties p = new Properties();
    for (Setting<?> s : ALL) {
      if (s.routes()) {
        p.setProperty("rapport." + s.key(), raw.get(s.key()).trim());
      }
    }
    p.setProperty("rapport." + DROP_DIR.key(), dropDir().map(Path::toString).orElse(""));
    // derived: SMTP logs in only when a user is set (JavaMail tries to log in with any user given, even an empty one)
    boolean login = !get(EMAIL_SMTP_USER).isBlank();
    p.setProperty("rapport.email.smtp-auth", Boolean.toString(login));
    p.setProperty("rapport.email.smtp-login", login ? "&username=RAW(" + get(EMAIL_SMTP_USER).trim() + ")&password=RAW("
        + get(EMAIL_SMTP_PASSWORD) + ")" : "");
    return p;
  }

  /** The documentation's table of every key, its variable, default and description, in Markdown. */
  public static String table() {
    StringBuilder b = new StringBuilder("| key | environment variable | default | what it does |\n|---|---|---|---|\n");
    for (Setting<?> s : ALL) {
      b.append("| `").append(s.key()).append("` | `").append(s.env()).append("` | ")
          .append(s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`").append(" | ")
          .append(s.description().replace("|", "\\|")).append(" |\n");
    }
    return b.toString();
  }

  private void checkTogether() {
    if (get(KAFKA_MAX_POLL_RECORDS) > get(MAX_BATCH_ITEMS)) {
      throw new ConfigException(KAFKA_MAX_POLL_RECORDS.key() + " must not be above " + MAX_BATCH_ITEMS.key()
          + ", or the engine would refuse a full poll");
    }
    if (mqttFilterMatches(get(MQTT_TOUCHPOINTS_TOPIC), get(MQTT_DEAD_LETTER_TOPIC))) {
      throw new ConfigException(MQTT_DEAD_LETTER_TOPIC.key() + " must not match " + MQTT_TOUCHPOINTS_TOPIC.key()
          + ", or refused messages would come back");
    }
    if (get(MAX_IN_FLIGHT) < get(MAX_BATCH_ITEMS)) {
      throw new ConfigException(MAX_IN_FLIGHT.key() + " must be at least " + MAX_BATCH_ITEMS.key()
          + ", or a full batch could never be accepted");
    }
    if (get(OUTBOX_BACKOFF_MAX).compareTo(get(OUTBOX_BACKOFF_INITIAL)) < 0) {
      throw new ConfigException(OUTBOX_BACKOFF_MAX.key() + " must not be shorter than " + OUTBOX_BACKOFF_INITIAL.key());
    }
    if (get(TLS_CERT).isBlank() != get(TLS_KEY).isBlank()) {
      throw new ConfigException(TLS_CERT.key() + " and " + TLS_KEY.key() + " go together: set both or neither");
    }
    if (!get(EMAIL_SMTP_HOST).isBlank() && get(EMAIL_FROM).isBlank()) {
      throw new ConfigException(EMAIL_FROM.key() + " is required with " + EMAIL_SMTP_HOST.key()
          + ": an email needs a sender");
    }
    if (poolSize() < get(PARTITIONS) + 2) {
      throw new ConfigException(DB_POOL_SIZE.key() + " must be at least " + PARTITIONS.key()
          + " + 2 (one connection per partition, the relay and the API)");
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Settings[");
    for (Setting<?> s : ALL) {
      String v = raw.get(s.key());
      b.append(s.key()).append('=').append(s.secret() && !v.isEmpty() ? "****" : v).append(", ");
    }
    return b.append(']').toString();
  }

  /** A topic, queue, group or client name: printable, no spaces, no placeholders' braces. */
  private static String brokerName(String v) {
    if (v.isEmpty() || v.length() > 249 || !v.chars().allMatch(c -> c > ' ' && c < 127 && c != '{' && c != '}')) {
      throw new IllegalArgumentException("is not a name: 1 to 249 printable characters without spaces or braces");
    }
    return v;
  }

  /** Whether an MQTT topic filter (with + and #) matches a topic. */
  static boolean mqttFilterMatches(String filter, String topic) {
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) {
        return true;
      }
      if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
        return false;
      }
    }
    return f.length == t.length;
  }

  private static Setting<String> text(String key, String def, String description) {
    return Setting.of(key, def, description, v -> v);
  }

  private static Setting<Integer> integer(String key, String def, int min, int max, String description) {
    return Setting.of(key, def, description, v -> range(parseInt(v), min, max));
  }

  private static Setting<Boolean> flag(String key, String description) {
    return Setting.of(key, "false", description, v -> switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("is neither true nor false");
    });
  }

  private static Setting<Duration> duration(String key, String def, String description) {
    return Setting.of(key, def, description, Settings::positiveDuration);
  }

  private static int parseInt(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("is not a whole number");
    }
  }

  private static long parseLong(String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("is not a whole number");
    }
  }

  static int autoPartitions(int cores) {
    return Math.min(PARTITIONS_PER_CORE * cores, MOST_AUTO_PARTITIONS);
  }

  private static int parseIntOr(String v, String word) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("is neither a whole number nor " + word);
    }
  }

  private static <N extends Number & Comparable<N>> N range(N value, long min, long max) {
    if (value.longValue() < min || value.longValue() > max) {
      throw new IllegalArgumentException("is outside " + min + ".." + max);
    }
    return value;
  }

  private static Duration positiveDuration(String v) {
    Duration d;
    try {
      d = Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("is not an ISO-8601 duration such as PT1S or PT10M");
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("must be longer than zero");
    }
    return d;
  }

  private static String word(String v) {
    if (!WORD.matcher(v).matches()) {
      throw new IllegalArgumentException("is not a connector name (lowercase word)");
    }
    return v;
  }

  private static String baseUrl(String v) {
    if (v.isBlank()) {
      return "";
    }
    java.net.URI uri;
    try {
      uri = new java.net.URI(v);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("is not a URL");
    }
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
        || uri.getRawQuery() != null) {
      throw new IllegalArgumentException("is not an http(s) base URL such as https://crm.example.com");
    }
    return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
  }

  /** A Standard Webhooks symmetric secret: whsec_ and base64 of 24 to 64 bytes. */
  private static String webhookSecret(String v) {
    if (v.isBlank()) {
      return "";
    }
    byte[] key;
    try {
      key = java.util.Base64.getDecoder().decode(v.startsWith("whsec_") ? v.substring(6) : "!");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("is not whsec_ followed by base64");
    }
    if (key.length < 24 || key.length > 64) {
      throw new IllegalArgumentException("must hold 24 to 64 bytes after whsec_ (Standard Webhooks)");
    }
    return v;
  }

  private static String topic(String v) {
    if (!v.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw new IllegalArgumentException("is not a Kafka topic name");
    }
    return v;
  }

  private static Map<String, String> namedKeys(String v) {
    Map<String, String> map = new LinkedHashMap<>();
    if (v.isBlank()) {
      return map;
    }
    for (String pair : v.split(",")) {
      String[] nk = pair.split(":", 2);
      if (nk.length != 2 || nk[1].isBlank() || !WORD.matcher(nk[0].trim()).matches()) {
        throw new IllegalArgumentException("needs name:key pairs separated by commas, each name a lowercase word");
      }
      if (Set.of("admin", "read", "ingest", "anonymous", "rapport").contains(nk[0].trim())) {
        throw new IllegalArgumentException("uses the name '" + nk[0].trim() + "', which Rapport records for its own");
      }
      if (map.put(nk[0].trim(), nk[1].trim()) != null) {
        throw new IllegalArgumentException("names a key twice");
      }
    }
    return Map.copyOf(map);
  }

  /** source=secret pairs; a source is a lowercase word, not "rapport" (the engine's own id prefix). */
  private static Map<String, String> webhookSecrets(String v) {
    Map<String, String> map = new LinkedHashMap<>();
    if (v.isBlank()) {
      return map;
    }
    for (String pair : v.split(",")) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2 || kv[1].isBlank() || !WEBHOOK_SOURCE.matcher(kv[0].trim()).matches()) {
        throw new IllegalArgumentException("needs source=secret pairs separated by commas, each source a lowercase "
            + "word (a-z, 0-9, - or _) and each secret not empty");
      }
      if (kv[0].trim().equals("rapport")) {
        throw new IllegalArgumentException("names the source 'rapport', whose ids would be the engine's own");
      }
      if (map.put(kv[0].trim(), kv[1].trim()) != null) {
        throw new IllegalArgumentException("names a source twice");
      }
    }
    return Map.copyOf(map);
  }

  private static Map<String, String> pairs(String v) {
    Map<String, String> map = new LinkedHashMap<>();
    if (v.isBlank()) {
      return map;
    }
    for (String pair : v.split(",")) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("needs channel=connector pairs separated by commas");
      }
      map.put(word(kv[0].trim()), word(kv[1].trim()));
    }
    return Map.copyOf(map);
  }
}
