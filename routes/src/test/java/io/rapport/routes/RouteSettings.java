package io.rapport.routes;

import java.util.List;
import java.util.Properties;

/** The placeholders the default routes read, with every channel and connector off: what a test starts from. */
public final class RouteSettings {
  private RouteSettings() {}

  /** Every {{rapport.*}} placeholder of the default routes, channels and connectors off; tests set what they use. */
  public static Properties allOff() {
    Properties p = new Properties();
    p.setProperty("rapport.drop.dir", "");
    p.setProperty("rapport.drop.chunk-size", "1000");
    p.setProperty("rapport.drop.poll-ms", "100");
    p.setProperty("rapport.ingest.max-body-bytes", "1048576");
    p.setProperty("rapport.ingest.max-batch-items", "100");
    p.setProperty("rapport.webhook.url", "");
    p.setProperty("rapport.webhook.timeout-ms", "2000");
    p.setProperty("rapport.webhook.secret", "");
    p.setProperty("rapport.mappings.dir", "");
    for (String key : List.of("email.smtp-host", "email.smtp-user", "email.smtp-password", "email.from",
        "email.templates-dir", "email.unsubscribe-mailto", "slack.url", "sms.url", "kafka.brokers", "ticket.url")) {
      p.setProperty("rapport." + key, "");
    }
    p.setProperty("rapport.email.smtp-port", "25");
    p.setProperty("rapport.email.smtp-auth", "false");
    p.setProperty("rapport.email.smtp-login", "");
    p.setProperty("rapport.email.starttls", "false");
    p.setProperty("rapport.sms.body", "[[template]]");
    p.setProperty("rapport.kafka.actions-topic", "rapport.actions");
    return p;
  }
}
