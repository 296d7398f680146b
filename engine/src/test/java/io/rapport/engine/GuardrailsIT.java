package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rapport.engine.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guardrails over HTTP, on the embedded store, with the server's clock set by the test: each holds an action back
 * with its reason, visible in the customer's journey, and counted. The default journey's emails go to a webhook.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuardrailsIT {
  private static final String ADMIN_KEY = "guardrails-admin-key";
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-06-10T12:00:00Z"));
  private WebhookReceiver webhook;
  private Server server;
  private Api api;

  /** A wall clock the test sets. */
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    webhook = new WebhookReceiver();
    Map<String, String> values = new HashMap<>();
    values.put("http.port", "0");
    values.put("rules.decision-timeout", "PT5S"); // a first decision on a loaded machine is slow
    values.put("data.dir", dir.toString());
    values.put("webhook.url", webhook.url());
    values.put("actions.connector", "webhook");
    values.put("outbox.poll-interval", "PT0.1S");
    values.put("admin.key", ADMIN_KEY);
    values.put("guard.frequency.max", "2");
    values.put("guard.quiet.timezone", "UTC");
    server = Server.start(Settings.of(values), clock);
    api = new Api(server.port()).as(ADMIN_KEY);
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (webhook != null) {
      webhook.close();
    }
  }

  private void send(String id, String customer, String type, Instant at, JsonObject properties) throws Exception {
    Api.Response r = send("/v1/touchpoints", id, customer, type, at, properties);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
  }

  private Api.Response send(String path, String id, String customer, String type, Instant at, JsonObject properties)
      throws Exception {
    JsonObject t = new JsonObject(Api.touchpoint(id, customer, type, at.toString(), type.equals("purchase") ? 20.0
        : null));
    if (properties != null) {
      t.put("properties", properties);
    }
    return api.post(path, "application/json", t.encode());
  }

  /** The customer's actions of this template, as the journey shows them, once none of them is on its way. */
  private JsonObject action(String customer, String template) {
    AtomicReference<JsonObject> found = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      JsonArray actions = api.journey(customer).json().getJsonArray("actions");
      JsonObject a = actions.stream().map(o -> (JsonObject) o).filter(o -> template.equals(o.getString("template")))
          .findFirst().orElse(null);
      assertThat(a).as(template + " of " + customer).isNotNull();
      assertThat(a.getString("status").equals("pending") && a.getString("reason") == null)
          .as("decided, not yet past the guardrails: " + a).isFalse();
      found.set(a);
    });
    return found.get();
  }

  @Test
  void anEmailToACustomerWhoUnsubscribedIsSuppressedForConsentAndSentAgainAfterASubscribe() throws Exception {
    now.set(Instant.parse("2026-06-10T12:00:00Z"));
    send("gc-1", "c-consent", "unsubscribe", now.get(), null);
    send("gc-2", "c-consent", "purchase", now.get().plusSeconds(1), null);
    JsonObject welcome = action("c-consent", "welcome-first-purchase");
    assertThat(welcome.getString("status")).isEqualTo("suppressed");
    assertThat(welcome.getString("reason")).isEqualTo("consent");
    assertThat(api.customer("c-consent").json().getJsonObject("attributes").getBoolean("emailConsent")).isFalse();

    send("gc-3", "c-consent", "subscribe", now.get().plusSeconds(2), null);
    send("gc-4", "c-consent", "purchase", now.get().plusSeconds(3), null);
    JsonObject thanks = action("c-consent", "thank-you-repeat");
    assertThat(thanks.getString("status")).isEqualTo("sent");
    assertThat(webhook.to("c-consent")).extracting(d -> d.body().getString("template"))
        .containsExactly("thank-you-repeat");
    assertThat(api.get("/metrics").body()).contains("rapport_actions_suppressed_total{reason=\"consent\"}");
  }

  @Test
  void anOptOutOfSmsLeavesEmailsBe() throws Exception {
    now.set(Instant.parse("2026-06-10T12:00:00Z"));
    send("gs-1", "c-sms", "unsubscribe", now.get(), new JsonObject().put("channel", "sms"));
    send("gs-2", "c-sms", "purchase", now.get().plusSeconds(1), null);
    assertThat(action("c-sms", "welcome-first-purchase").getString("status")).isEqualTo("sent");
    assertThat(api.customer("c-sms").json().getJsonObject("attributes").getBoolean("smsConsent")).isFalse();
  }

  @Test
  void anEscalationIsTransactionalAndGoesOutWithoutEmailConsent() throws Exception {
    now.set(Instant.parse("2026-06-10T12:00:00Z"));
    send("ge-1", "c-escalate", "unsubscribe", now.get(), null);
    send("ge-2", "c-escalate", "complaint", now.get().plusSeconds(1), null);
    JsonObject escalation = action("c-escalate", "escalation");
    assertThat(escalation.getBoolean("transactional")).isTrue();
    assertThat(escalation.getString("status")).isEqualTo("sent");
  }

  @Test
  void theThirdMarketingMessageInAWeekIsSuppressedForFrequencyAndTheCapCountsBySendTime() throws Exception {
    now.set(Instant.parse("2026-06-10T12:00:00Z"));
    send("gf-1", "c-often", "signup", now.get(), null);
    assertThat(action("c-often", "welcome").getString("status")).isEqualTo("sent");
    send("gf-2", "c-often", "purchase", now.get().plusSeconds(1), null);
    assertThat(action("c-often", "welcome-first-purchase").getString("status")).isEqualTo("sent");
    send("gf-3", "c-often", "purchase", now.get().plusSeconds(2), null);
    JsonObject third = action("c-often", "thank-you-repeat");
    assertThat(third.getString("status")).isEqualTo("suppressed");
    assertThat(third.getString("reason")).isEqualTo("frequency");

    // a week and a minute on, the first two sends are out of the window: the review request the first purchase's
    // timer makes now (due 2026-06-17T12:00:01Z) goes out, where it would be the third within the week
    now.set(Instant.parse("2026-06-17T12:01:00Z"));
    assertThat(action("c-often", "review-request").getString("status")).isEqualTo("sent");
    assertThat(webhook.to("c-often")).extracting(d -> d.body().getString("template"))
        .containsExactly("welcome", "welcome-first-purchase", "review-request");
  }

  @Test
  void atNightInBerlinAnEmailWaitsForEightThereAcrossTheSpringChangeThenGoes() throws Exception {
    // 28 March 2026, 23:30 CET; the clocks go forward that night, and 08:00 CEST is 06:00Z
    now.set(Instant.parse("2026-03-28T22:30:00Z"));
    send("gq-1", "c-night", "web_visit", now.get(), new JsonObject().put("timezone", "Europe/Berlin"));
    send("gq-2", "c-night", "purchase", now.get().plusSeconds(1), null);
    JsonObject held = action("c-night", "welcome-first-purchase");
    assertThat(held.getString("status")).isEqualTo("pending");
    assertThat(held.getString("reason")).isEqualTo("quiet-hours");
    assertThat(held.getString("nextAttemptAt")).isEqualTo("2026-03-29T06:00:00Z");
    assertThat(webhook.to("c-night")).isEmpty();

    now.set(Instant.parse("2026-03-29T06:00:01Z"));
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(webhook.to("c-night")).extracting(d -> d.body().getString("template"))
            .containsExactly("welcome-first-purchase"));
    assertThat(api.get("/metrics").body()).contains("rapport_actions_deferred_total{reason=\"quiet-hours\"}");
  }

  @Test
  void atNightInNewYorkAnEmailWaitsForEightThereAcrossTheAutumnChange() throws Exception {
    // 31 October 2026, 22:30 EDT; the clocks go back that night, and 08:00 EST is 13:00Z
    now.set(Instant.parse("2026-11-01T02:30:00Z"));
    send("gn-1", "c-ny", "web_visit", now.get(), new JsonObject().put("timezone", "America/New_York"));
    send("gn-2", "c-ny", "purchase", now.get().plusSeconds(1), null);
    JsonObject held = action("c-ny", "welcome-first-purchase");
    assertThat(held.getString("reason")).isEqualTo("quiet-hours");
    assertThat(held.getString("nextAttemptAt")).isEqualTo("2026-11-01T13:00:00Z");
  }

  @Test
  void anActionDecidedOnAnEventOlderThanThreeDaysIsSuppressedAsStale() throws Exception {
    now.set(Instant.parse("2026-06-10T12:00:00Z"));
    send("gt-1", "c-late", "purchase", now.get().minus(Duration.ofDays(4)), null);
    JsonObject welcome = action("c-late", "welcome-first-purchase");
    assertThat(welcome.getString("status")).isEqualTo("suppressed");
    assertThat(welcome.getString("reason")).isEqualTo("stale");
    assertThat(webhook.to("c-late")).isEmpty();
  }

  @Test
  void aBackfillComputesStagesAndSendsNothing() throws Exception {
    now.set(Instant.parse("2026-06-10T12:00:00Z"));
    Api.Response r = send("/v1/touchpoints?backfill=true", "gb-1", "c-history", "purchase", now.get(), null);
    assertThat(r.status()).isEqualTo(202);
    assertThat(api.customer("c-history").json().getString("stage")).isEqualTo("NEW_CUSTOMER");
    JsonObject welcome = action("c-history", "welcome-first-purchase");
    assertThat(welcome.getString("status")).isEqualTo("suppressed");
    assertThat(welcome.getString("reason")).isEqualTo("backfill");
    assertThat(webhook.to("c-history")).isEmpty();
  }

  @Test
  void aBackfillFlagThatIsNeitherTrueNorFalseIsRefusedAndStoresNothing() throws Exception {
    now.set(Instant.parse("2026-06-10T12:00:00Z"));
    Api.Response r = send("/v1/touchpoints?backfill=yes", "gb-2", "c-unsure", "purchase", now.get(), null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getString("error")).contains("backfill");
    assertThat(api.customer("c-unsure").status()).isEqualTo(404);
    for (String misspelt : List.of("Backfill=true", "backfil=true", "back%66ill=maybe")) {
      Api.Response m = send("/v1/touchpoints?" + misspelt, "gb-3", "c-unsure", "purchase", now.get(), null);
      assertThat(m.status()).as(misspelt).isEqualTo(400);
      assertThat(m.json().getString("error")).as(misspelt).contains("backfill");
    }
    assertThat(api.customer("c-unsure").status()).isEqualTo(404);
  }
}
