package io.rapport.engine;

import io.rapport.engine.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Servers for one test class whose every action goes to one webhook receiver, the escalations to the log, with the
 * guardrails that would hold actions back (quiet hours, the frequency cap) off; closed, with the receiver and the
 * PostgreSQL database given to them, when the class is done.
 */
final class WebhookServers implements AutoCloseable {
  private final WebhookReceiver webhook;
  private final Map<Server, Path> dataDirs = new LinkedHashMap<>();
  private TestDatabase database;

  WebhookServers() throws Exception {
    webhook = new WebhookReceiver();
  }

  WebhookReceiver webhook() {
    return webhook;
  }

  /** A fresh PostgreSQL database's URL, closed with these servers. */
  String postgresUrl() throws Exception {
    database = TestDatabase.create();
    return database.url();
  }

  /** A server on {@code dbUrl} (empty: the embedded store in its own data directory). */
  Server start(String dbUrl) throws Exception {
    Map<String, String> values = new HashMap<>();
    values.put("http.port", "0");
    values.put("rules.decision-timeout", "PT5S"); // a first decision on a loaded machine is slow
    Path dataDir = Files.createTempDirectory("rapport-server");
    values.put("data.dir", dataDir.toString());
    values.put("db.url", dbUrl);
    values.put("drop.dir", "off");
    values.put("webhook.url", webhook.url());
    values.put("actions.connector", "webhook");
    values.put("actions.connectors", "support=log");
    values.put("outbox.backoff-initial", "PT0.1S");
    values.put("outbox.backoff-max", "PT0.2S");
    values.put("outbox.poll-interval", "PT0.1S");
    values.put("admin.key", ServerContract.ADMIN_KEY);
    values.put("guard.quiet.enabled", "false");
    values.put("guard.frequency.max", "0");
    Server s = Server.start(Settings.of(values));
    dataDirs.put(s, dataDir);
    return s;
  }

  /** The data directory the server keeps its keys in. */
  Path dataDir(Server server) {
    return dataDirs.get(server);
  }

  @Override
  public void close() throws Exception {
    for (Server s : dataDirs.keySet()) {
      s.close();
    }
    webhook.close();
    if (database != null) {
      database.close();
    }
  }
}
