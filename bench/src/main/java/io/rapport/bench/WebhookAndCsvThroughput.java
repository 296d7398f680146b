package io.rapport.bench;

import java.io.BufferedWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Touchpoints per second through the signed webhook route and the CSV drop folder, beside plain HTTP measured the
 * same way in the same run: N single-touchpoint calls to POST /v1/touchpoints, then N signed calls to POST
 * /v1/webhooks/bench (each signed here with X-Rapport-Signature), then one CSV file of N rows dropped into the inbox,
 * timed until it is in .done/. One server in a JVM of its own, on a fresh PostgreSQL database.
 *
 * <p>{@code java -cp "bench/target/rapport-bench.jar:bench/target/lib/*" io.rapport.bench.WebhookAndCsvThroughput
 * [N=100000] [CONCURRENCY=32] [DB-URL=jdbc:postgresql://127.0.0.1:5432/test?user=postgres]}
 */
public final class WebhookAndCsvThroughput {
  private static final String SECRET = "bench-webhook-secret";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Instant at = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
  private final String run = "r" + System.currentTimeMillis();

  private WebhookAndCsvThroughput() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    String adminUrl = args.length > 2 ? args[2] : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    new WebhookAndCsvThroughput().measure(n, concurrency, adminUrl);
  }

  private void measure(int n, int concurrency, String adminUrl) throws Exception {
    String key = UUID.randomUUID().toString();
    BenchDatabase db = BenchDatabase.create(adminUrl);
    Path dir = Files.createTempDirectory("rapport-channels");
    try (ServerProcess server = ServerProcess.start(Map.of("data.dir", dir.toString(), "db.url", db.url(),
        "admin.key", key, "webhooks.secrets", "bench=" + SECRET, "drop.poll-ms", "100"), List.of("-Xmx1g"), dir)) {
      URI touchpoints = URI.create("http://127.0.0.1:" + server.port() + "/v1/touchpoints");
      URI webhook = URI.create("http://127.0.0.1:" + server.port() + "/v1/webhooks/bench");
      // warm-up: both routes, so that neither measure pays the JIT's first compilations
      calls(Math.min(n, 20_000), concurrency, i -> plain(touchpoints, key, body("warm-h", i)));
      calls(Math.min(n, 20_000), concurrency, i -> signed(webhook, body("warm-w", i)));
      double httpRate = calls(n, concurrency, i -> plain(touchpoints, key, body("h", i)));
      double webhookRate = calls(n, concurrency, i -> signed(webhook, body("w", i)));
      double csvRate = csv(n, dir.resolve("inbox"));
      System.out.printf("{\"touchpoints\": %d, \"concurrency\": %d, \"http_calls_per_s\": %.0f, "
          + "\"webhook_calls_per_s\": %.0f, \"csv_rows_per_s\": %.0f}%n", n, concurrency, httpRate, webhookRate, csvRate);
    } finally {
      db.drop();
    }
  }

  private String body(String prefix, int i) {
    return "{\"id\":\"" + run + "-" + prefix + "-" + i + "\",\"customerId\":\"c-" + (i % 10_000)
        + "\",\"type\":\"web_visit\",\"occurredAt\":\"" + at.plusMillis(i) + "\",\"channel\":\"web\"}";
  }

  private HttpRequest plain(URI uri, String key, String body) {
    return HttpRequest.newBuilder(uri).header("Content-Type", "application/json").header("Authorization",
        "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private HttpRequest signed(URI uri, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String signature = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
      return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
          .header("X-Rapport-Signature", "sha256=" + signature).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends n requests, at most {@code concurrency} at once; each must be answered 202. Returns requests per second. */
  private double calls(int n, int concurrency, IntFunction<HttpRequest> request) throws Exception {
    Semaphore slots = new Semaphore(concurrency);
    AtomicInteger failed = new AtomicInteger();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      slots.acquire();
      CompletableFuture<HttpResponse<Void>> sent =
          http.sendAsync(request.apply(i), HttpResponse.BodyHandlers.discarding());
      sent.whenComplete((r, e) -> {
        if (e != null || r.statusCode() != 202) {
          failed.incrementAndGet();
        }
        slots.release();
      });
    }
    slots.acquire(concurrency);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " of " + n + " requests were not answered 202");
    }
    return n / seconds;
  }

  /** Writes an n-row CSV beside the inbox, moves it in whole, and times it until it is in .done/. */
  private double csv(int n, Path inbox) throws Exception {
    Path file = inbox.resolveSibling(run + ".csv");
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("id,customerId,type,occurredAt,channel\n");
      for (int i = 0; i < n; i++) {
        w.write(run + "-csv-" + i + ",c-" + (i % 10_000) + ",web_visit," + at.plusMillis(i) + ",store\n");
      }
    }
    Files.createDirectories(inbox);
    long t0 = System.nanoTime();
    Files.move(file, inbox.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    Path done = inbox.resolve(".done").resolve(file.getFileName());
    Path failed = inbox.resolve(".failed").resolve(file.getFileName());
    while (!Files.exists(done)) {
      if (Files.exists(failed)) {
        throw new IllegalStateException("the CSV file was refused: see " + failed + ".errors.json");
      }
      Thread.sleep(20);
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }
}
