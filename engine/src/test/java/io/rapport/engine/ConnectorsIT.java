package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.rapport.engine.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connectors against real peers: GreenMail as the SMTP server and a local HTTP server as the webhook receiver,
 * SMS gateway and help desk. A default journey runs over HTTP; a test rule (connectors-rules/notice.drl) sends a
 * "notice" on whichever channel a touchpoint names, to reach the other connectors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectorsIT {
  private static final String ADMIN_KEY = "connectors-admin-key";
  private static final String READ_KEY = "connectors-read-key";
  private static final byte[] WEBHOOK_KEY = "a secret of at least twenty-four bytes".getBytes(StandardCharsets.UTF_8);
  private static final String WEBHOOK_SECRET = "whsec_" + Base64.getEncoder().encodeToString(WEBHOOK_KEY);
  private static final String PUBLIC_URL = "https://crm.example.com";

  private GreenMail smtp;
  private ConnectorReceiver receiver;
  private Server server;
  private Api api;
  private Api anonymous;
  private Touchpoints tp;
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.setUser("rapport", "smtp-secret");
    smtp.start();
    receiver = new ConnectorReceiver();
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(rules.resolve("notice.drl"), Api.resource("/connectors-rules/notice.drl"));
    Map<String, String> values = new HashMap<>();
    values.put("http.port", "0");
    values.put("data.dir", dir.resolve("data").toString());
    values.put("rules.dir", rules.toString());
    values.put("admin.key", ADMIN_KEY);
    values.put("read.key", READ_KEY);
    values.put("http.public-url", PUBLIC_URL);
    values.put("email.smtp-host", "127.0.0.1");
    values.put("email.smtp-port", Integer.toString(smtp.getSmtp().getPort()));
    values.put("email.smtp-user", "rapport");
    values.put("email.smtp-password", "smtp-secret");
    values.put("email.starttls", "false");
    values.put("email.from", "Shop <hello@shop.example>");
    values.put("webhook.url", receiver.url("/hook"));
    values.put("webhook.secret", WEBHOOK_SECRET);
    values.put("webhook.timeout-ms", "1000");
    values.put("ticket.url", receiver.url("/ticket"));
    values.put("sms.url", receiver.url("/sms"));
    values.put("actions.connectors", "hook=webhook,chat=slack");
    values.put("outbox.max-attempts", "4");
    values.put("outbox.backoff-initial", "PT0.1S");
    values.put("outbox.backoff-max", "PT0.3S");
    values.put("outbox.poll-interval", "PT0.2S");
    values.put("rules.decision-timeout", "PT5S"); // a first decision on a busy machine can take long
    // every email of the journey, at any hour: the guardrails have tests of their own (GuardrailsIT)
    values.put("guard.quiet.enabled", "false");
    values.put("guard.frequency.max", "0");
    server = Server.start(Settings.of(values));
    anonymous = new Api(server.port());
    api = anonymous.as(ADMIN_KEY);
    tp = new Touchpoints(java.time.Clock.systemUTC());
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    receiver.close();
    smtp.stop();
  }

  private String id(String name) {
    return name + "-" + run;
  }

  private void send(JsonObject... touchpoints) throws Exception {
    JsonArray batch = new JsonArray();
    Arrays.stream(touchpoints).forEach(batch::add);
    assertThat(api.postJson(batch.encode()).status()).isEqualTo(202);
  }

  private JsonObject touchpoint(String customer, String type, Duration after, JsonObject properties, Double value) {
    JsonObject t = tp.json(UUID.randomUUID().toString(), customer, type, after);
    if (properties != null) {
      t.put("properties", properties);
    }
    if (value != null) {
      t.put("value", value);
    }
    return t;
  }

  private JsonObject notice(String customer, String on) {
    return touchpoint(customer, "notice", Duration.ofHours(1), new JsonObject().put("on", on), null);
  }

  private List<MimeMessage> mailTo(String address) throws Exception {
    List<MimeMessage> found = new ArrayList<>();
    for (MimeMessage m : smtp.getReceivedMessages()) {
      if (Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equals(address))) {
        found.add(m);
      }
    }
    return found;
  }

  private JsonArray actions(String customer) throws Exception {
    return api.journey(customer).json().getJsonArray("actions");
  }

  @Test
  void aDefaultJourneyOverHttpSendsItsEmailsThroughSmtpAndTheEscalationAsATicketWithTheRecentJourney()
      throws Exception {
    String ann = id("ann");
    String address = ann + "@example.com";
    send(touchpoint(ann, "signup", Duration.ZERO, new JsonObject().put("email", address).put("firstName", "Ann"),
        null));
    send(touchpoint(ann, "purchase", Duration.ofHours(1), null, 10.0));
    send(touchpoint(ann, "purchase", Duration.ofHours(2), null, 600.0));
    send(touchpoint(ann, "complaint", Duration.ofHours(3), null, null));

    await().atMost(Duration.ofSeconds(20)).until(() -> mailTo(address).size() == 4
        && receiver.about("/ticket", ann).size() == 1);
    List<String> subjects = new ArrayList<>();
    for (MimeMessage m : mailTo(address)) {
      subjects.add(m.getSubject());
      assertThat(m.getFrom()[0].toString()).isEqualTo("Shop <hello@shop.example>");
      assertThat(m.getHeader("List-Unsubscribe")[0]).startsWith("<" + PUBLIC_URL + "/v1/unsubscribe?t=");
      assertThat(m.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
      assertThat(m.getHeader("X-Rapport-Action")).hasSize(1);
      assertThat(m.getHeader("RapportConnector")).as("nothing of Rapport's own becomes a mail header").isNull();
    }
    assertThat(subjects).containsExactlyInAnyOrder("Welcome!", "Thank you for your first order",
        "Thank you for coming back", "A 10% thank-you for a loyal customer");
    MimeMessage reward = mailTo(address).stream().filter(m -> subject(m).startsWith("A 10%")).findFirst().orElseThrow();
    String code = actions(ann).stream().map(a -> (JsonObject) a)
        .filter(a -> a.getString("template").equals("loyalty-reward")).findFirst().orElseThrow()
        .getJsonObject("params").getString("discountCode");
    assertThat(code).isNotBlank();
    assertThat(body(reward, "text/plain")).contains("code " + code).contains("Unsubscribe: " + PUBLIC_URL);
    assertThat(body(reward, "text/html")).contains("<strong>" + code + "</strong>").contains("href=\"" + PUBLIC_URL);

    JsonObject ticket = receiver.about("/ticket", ann).get(0).json();
    assertThat(ticket.getString("priority")).isEqualTo("high");
    assertThat(ticket.getJsonObject("customer").getString("email")).isEqualTo(address);
    assertThat(ticket.getJsonArray("recentJourney").stream().map(o -> ((JsonObject) o).getString("to")))
        .contains("LEAD", "NEW_CUSTOMER", "REPEAT", "LOYAL");
    await().atMost(Duration.ofSeconds(10)).until(() -> actions(ann).stream()
        .allMatch(a -> "sent".equals(((JsonObject) a).getString("status"))));
  }

  private static String subject(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first part of this type, anywhere in the message. */
  private static String body(Part part, String type) throws Exception {
    if (part.isMimeType(type)) {
      return part.getContent().toString();
    }
    if (part.getContent() instanceof Multipart mp) {
      for (int i = 0; i < mp.getCount(); i++) {
        BodyPart p = mp.getBodyPart(i);
        String found = body(p, type);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  @Test
  void theUnsubscribeLinkOfAnEmailShowsAPageAndItsOneClickPostTurnsEmailConsentOff() throws Exception {
    String bo = id("bo");
    String address = bo + "@example.com";
    send(touchpoint(bo, "signup", Duration.ZERO, new JsonObject().put("email", address), null));
    await().atMost(Duration.ofSeconds(20)).until(() -> mailTo(address).size() == 1);
    String header = mailTo(address).get(0).getHeader("List-Unsubscribe")[0];
    String path = header.substring(header.indexOf("/v1/unsubscribe"), header.indexOf('>'));

    Api.Response page = anonymous.get(path);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("<form method=\"post\"");
    assertThat(api.customer(bo).json().getJsonObject("attributes").getValue("emailConsent"))
        .as("a GET (a mail scanner following the link) unsubscribes nobody").isNull();

    Api.Response oneClick = anonymous.post(path, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");
    assertThat(oneClick.status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        Boolean.FALSE.equals(api.customer(bo).json().getJsonObject("attributes").getValue("emailConsent")));

    String forged = path.substring(0, path.length() - 3) + (path.endsWith("AAA") ? "BBB" : "AAA");
    assertThat(anonymous.post(forged, "application/x-www-form-urlencoded", "").status()).isEqualTo(404);
    assertThat(anonymous.get("/v1/unsubscribe?t=" + "Zm9v.ZW1haWw.AAAA").status()).isEqualTo(404);
  }

  @Test
  void aTemplatePreviewShowsTheEmailTheCustomerWouldGetWithTheParametersGiven() throws Exception {
    String cy = id("cy");
    send(touchpoint(cy, "profile_updated", Duration.ZERO, new JsonObject().put("email", cy + "@example.com")
        .put("firstName", "Cy <b>"), null));
    await().atMost(Duration.ofSeconds(10)).until(() -> api.customer(cy).status() == 200);
    Api.Response preview = anonymous.as(READ_KEY)
        .get("/v1/templates/win-back-offer/preview?customer=" + cy + "&param.discountCode=WB-42&param.percent=15");
    assertThat(preview.status()).isEqualTo(200);
    JsonObject p = preview.json();
    assertThat(p.getString("subject")).isEqualTo("We miss you: 15% off your next order");
    assertThat(p.getString("text")).contains("WB-42").contains("Hello Cy <b>,");
    assertThat(p.getString("html")).contains("<strong>WB-42</strong>").contains("Hello Cy &lt;b&gt;,");
    assertThat(p.getString("to")).isEqualTo(cy + "@example.com");

    assertThat(api.get("/v1/templates/no-such-thing/preview?customer=" + cy).status()).isEqualTo(404);
    assertThat(api.get("/v1/templates/welcome/preview?customer=nobody-" + run).status()).isEqualTo(404);
    assertThat(api.get("/v1/templates/welcome/preview").status()).isEqualTo(400);
    assertThat(anonymous.get("/v1/templates/welcome/preview?customer=" + cy).status()).isEqualTo(401);
  }

  @Test
  void aSignedWebhookVerifiesAsStandardWebhooksSaysAndEveryRetryKeepsItsIdAndIdempotencyKey() throws Exception {
    String dee = id("flaky-dee");
    send(notice(dee, "hook"));
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.about("/hook", dee).size() == 3
        && "sent".equals(actions(dee).getJsonObject(0).getString("status")));
    List<ConnectorReceiver.Call> calls = receiver.about("/hook", dee);
    for (ConnectorReceiver.Call call : calls) {
      assertThat(verify(call)).as("signature of " + call.headers().get("webhook-id")).isTrue();
      long at = Long.parseLong(call.headers().get("webhook-timestamp"));
      assertThat(Math.abs(Instant.now().getEpochSecond() - at)).as("a fresh timestamp: no replay").isLessThan(300);
    }
    assertThat(calls).extracting(c -> c.headers().get("webhook-id")).containsOnly(calls.get(0).headers().get("webhook-id"));
    assertThat(calls).extracting(c -> c.headers().get("Idempotency-Key"))
        .containsOnly(actions(dee).getJsonObject(0).getString("idempotencyKey"));
    assertThat(calls.get(0).headers().get("webhook-id")).startsWith("msg_").doesNotContain(".");
    assertThat(actions(dee).getJsonObject(0).getInteger("attempts")).isEqualTo(3);

    ConnectorReceiver.Call tampered = new ConnectorReceiver.Call("/hook", calls.get(0).headers(),
        calls.get(0).body().replace(dee, "someone-else"), calls.get(0).at());
    assertThat(verify(tampered)).as("a changed body does not verify").isFalse();
  }

  /** Verifies a call as the Standard Webhooks specification says: HMAC-SHA256 of id.timestamp.body, v1,base64. */
  private static boolean verify(ConnectorReceiver.Call call) throws Exception {
    String signed = call.headers().get("webhook-id") + "." + call.headers().get("webhook-timestamp") + "." + call.body();
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(WEBHOOK_SECRET.substring("whsec_".length())), "HmacSHA256"));
    byte[] expected = mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
    for (String signature : call.headers().get("webhook-signature").split(" ")) {
      String[] parts = signature.split(",", 2);
      if (parts[0].equals("v1") && MessageDigest.isEqual(expected, Base64.getDecoder().decode(parts[1]))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aRetryAfterInTheAnswerPostponesTheNextAttemptBeyondTheBackoff() throws Exception {
    String eve = id("later-eve");
    send(notice(eve, "hook"));
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.about("/hook", eve).size() == 2);
    List<ConnectorReceiver.Call> calls = receiver.about("/hook", eve);
    // the backoff alone would have retried within 0.3 s
    assertThat(Duration.between(calls.get(0).at(), calls.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
  }

  @Test
  void aRefusedActionIsListedAsFailedWithItsErrorAndARetrySendsItAgainUnderTheSameKey() throws Exception {
    String fay = id("refused-fay");
    send(notice(fay, "hook"));
    await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(actions(fay).getJsonObject(0).getString("status")));
    long actionId = actions(fay).getJsonObject(0).getLong("id");
    JsonObject listed = failed().stream().filter(a -> a.getLong("id") == actionId).findFirst().orElseThrow();
    assertThat(listed.getString("lastError")).isEqualTo("HTTP 400");
    assertThat(listed.getString("connector")).isEqualTo("webhook");
    assertThat(listed.getString("customerId")).isEqualTo(fay);
    assertThat(receiver.about("/hook", fay)).as("a refusal is not retried").hasSize(1);

    receiver.acceptAll();
    Api.Response retry = api.post("/v1/actions/" + actionId + "/retry", "application/json", "");
    assertThat(retry.status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(actions(fay).getJsonObject(0).getString("status")));
    assertThat(receiver.about("/hook", fay)).extracting(c -> c.headers().get("Idempotency-Key")).hasSize(2)
        .containsOnly(actions(fay).getJsonObject(0).getString("idempotencyKey"));
    assertThat(failed()).extracting(a -> a.getLong("id")).doesNotContain(actionId);

    assertThat(api.post("/v1/actions/" + actionId + "/retry", "application/json", "").status())
        .as("a sent action is not sent again").isEqualTo(409);
    assertThat(api.post("/v1/actions/999999999/retry", "application/json", "").status()).isEqualTo(404);
    assertThat(api.post("/v1/actions/abc/retry", "application/json", "").status()).isEqualTo(404);
    assertThat(anonymous.post("/v1/actions/" + actionId + "/retry", "application/json", "").status()).isEqualTo(401);
    assertThat(anonymous.as(READ_KEY).get("/v1/actions?status=failed").status()).isEqualTo(403);
    assertThat(api.get("/v1/actions?status=lost").status()).isEqualTo(400);
    assertThat(api.get("/v1/actions?status=failed&limit=0").status()).isEqualTo(400);
  }

  private List<JsonObject> failed() throws Exception {
    List<JsonObject> all = new ArrayList<>();
    String after = null;
    do {
      JsonObject page = api.get("/v1/actions?status=failed&limit=2" + (after == null ? "" : "&after=" + after)).json();
      page.getJsonArray("items").forEach(o -> all.add((JsonObject) o));
      after = page.getString("next");
    } while (after != null);
    return all;
  }

  @Test
  void aPausedConnectorsActionsWaitPendingAndGoOutOnceItIsResumed() throws Exception {
    assertThat(api.post("/v1/connectors/webhook/pause", "application/json", "").status()).isEqualTo(200);
    try {
      String gus = id("gus");
      send(notice(gus, "hook"));
      await().atMost(Duration.ofSeconds(10)).until(() -> actions(gus).size() == 1);
      Thread.sleep(1500); // several polls
      assertThat(receiver.about("/hook", gus)).isEmpty();
      assertThat(actions(gus).getJsonObject(0).getString("status")).isEqualTo("pending");
      assertThat(actions(gus).getJsonObject(0).getInteger("attempts")).isZero();
      assertThat(actions(gus).getJsonObject(0).getString("reason")).as("held back, out of the poll's way").isEqualTo("held");
      JsonObject webhook = connector("webhook");
      assertThat(webhook.getBoolean("paused")).isTrue();
      assertThat(webhook.getString("pausedBy")).isEqualTo("admin");
      assertThat(webhook.getLong("pending")).isGreaterThanOrEqualTo(1);
    } finally {
      assertThat(api.post("/v1/connectors/webhook/resume", "application/json", "").status()).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.about("/hook", id("gus")).size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(actions(id("gus")).getJsonObject(0).getString("status")));
    assertThat(actions(id("gus")).getJsonObject(0).getString("reason")).as("sent, held no longer").isNull();
    assertThat(connector("webhook").getBoolean("paused")).isFalse();
    assertThat(api.post("/v1/connectors/no-such-connector/pause", "application/json", "").status()).isEqualTo(404);
    assertThat(api.post("/v1/connectors/Bad%20Name/pause", "application/json", "").status()).isEqualTo(400);
    assertThat(anonymous.post("/v1/connectors/webhook/pause", "application/json", "").status()).isEqualTo(401);
  }

  private JsonObject connector(String name) throws Exception {
    return api.get("/v1/connectors").json().getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(c -> c.getString("name").equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aConnectorWithoutItsAddressIsOffAndItsActionsWaitPendingNotFailed() throws Exception {
    String hal = id("hal");
    send(notice(hal, "chat"));
    await().atMost(Duration.ofSeconds(10)).until(() -> actions(hal).size() == 1);
    Thread.sleep(1000);
    assertThat(actions(hal).getJsonObject(0).getString("status")).isEqualTo("pending");
    assertThat(actions(hal).getJsonObject(0).getString("reason")).isEqualTo("held");
    JsonObject slack = connector("slack");
    assertThat(slack.getBoolean("on")).isFalse();
    assertThat(slack.getJsonArray("channels")).contains("chat");
    assertThat(slack.getLong("pending")).isGreaterThanOrEqualTo(1);
    assertThat(connector("email").getBoolean("on")).isTrue();
  }

  @Test
  void anSmsGoesToTheGatewayWithThePhoneATouchpointCarriedAndTheBodyTemplateFilledIn() throws Exception {
    String ivy = id("ivy");
    String phone = "+49151" + Math.abs(run.hashCode());
    send(touchpoint(ivy, "web_visit", Duration.ZERO, new JsonObject().put("phone", phone), null));
    send(notice(ivy, "sms"));
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.about("/sms", phone).size() == 1);
    JsonObject sms = receiver.about("/sms", phone).get(0).json();
    assertThat(sms.getString("to")).isEqualTo(phone);
    assertThat(sms.getString("idempotencyKey")).isEqualTo(actions(ivy).getJsonObject(0).getString("idempotencyKey"));
    assertThat(sms.getString("text")).isEqualTo("notice SMS-CODE-1");

    String jo = id("jo"); // no phone: failed for good, with the reason
    send(notice(jo, "sms"));
    await().atMost(Duration.ofSeconds(10)).until(() -> "failed".equals(actions(jo).getJsonObject(0).getString("status")));
    assertThat(actions(jo).getJsonObject(0).getString("lastError")).contains("has no phone attribute");
  }
}
