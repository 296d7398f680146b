package io.rapport.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Posts a load of touchpoints to a running Rapport in NDJSON batches from concurrent clients and
 * prints one JSON line: throughput of durable (202) touchpoints and batch latency percentiles.
 */
@Command(name = "rapport-bench", mixinStandardHelpOptions = true,
    description = "Load a running Rapport server with touchpoints over HTTP.")
public final class LoadGenerator implements Callable<Integer> {
  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Server base URL (default ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--key", defaultValue = "${env:RAPPORT_INGEST_KEY}",
      description = "The server's ingest key (or admin key); default $RAPPORT_INGEST_KEY.")
  String key;

  @Option(names = "--touchpoints", defaultValue = "100000", description = "Touchpoints to send (default ${DEFAULT-VALUE}).")
  int touchpoints;

  @Option(names = "--batch", defaultValue = "500", description = "Touchpoints per request (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--concurrency", defaultValue = "8", description = "Requests in flight (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--customers", defaultValue = "100000", description = "Distinct customers (default ${DEFAULT-VALUE}).")
  int customers;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGenerator()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    URI base = URI.create(url);
    int batches = (touchpoints + batch - 1) / batch;
    // Build every body first so the measurement is the server, not the generator.
    // Event times from a day ago by the wall clock the server runs by: the timers its purchases set are not yet due
    // while the load runs, whatever the day.
    Instant dayAgo = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
    TouchpointMix mix = new TouchpointMix(seed, customers, "bench-" + System.currentTimeMillis(), dayAgo);
    Buffer[] bodies = new Buffer[batches];
    for (int b = 0; b < batches; b++) {
      Buffer body = Buffer.buffer();
      int n = Math.min(batch, touchpoints - b * batch);
      for (int i = 0; i < n; i++) {
        body.appendString(mix.next().encode()).appendByte((byte) '\n');
      }
      bodies[b] = body;
    }
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(concurrency).setKeepAlive(true));
    long[] latencies = new long[batches];
    AtomicInteger nextBatch = new AtomicInteger();
    AtomicLong accepted = new AtomicLong();
    AtomicLong duplicates = new AtomicLong();
    AtomicLong retries = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicInteger finished = new AtomicInteger();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(base.getHost())
        .setPort(base.getPort()).setURI("/v1/touchpoints").putHeader("Content-Type", "application/x-ndjson");
    if (key != null && !key.isBlank()) {
      options.putHeader("Authorization", "Bearer " + key.trim());
    }
    long start = System.nanoTime();
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      int b = nextBatch.getAndIncrement();
      if (b >= batches) {
        return;
      }
      sendBatch(client, options, bodies[b], b, latencies, accepted, duplicates, retries, errors, () -> {
        if (finished.incrementAndGet() == batches) {
          done.complete(null);
        } else {
          pump[0].run();
        }
      });
    };
    for (int i = 0; i < Math.min(concurrency, batches); i++) {
      vertx.runOnContext(v -> pump[0].run());
    }
    done.get();
    double seconds = (System.nanoTime() - start) / 1e9;
    vertx.close();
    Arrays.sort(latencies);
    JsonObject result = new JsonObject()
        .put("touchpoints", touchpoints)
        .put("batch", batch)
        .put("concurrency", concurrency)
        .put("customers", customers)
        .put("seconds", Math.round(seconds * 100) / 100.0)
        .put("throughput", Math.round(accepted.get() / seconds))
        .put("accepted", accepted.get())
        .put("duplicates", duplicates.get())
        .put("retries_503", retries.get())
        .put("errors", errors.get())
        .put("batch_p50_ms", latencies[batches / 2] / 1_000_000.0)
        .put("batch_p99_ms", latencies[Math.min(batches - 1, (int) (batches * 0.99))] / 1_000_000.0);
    System.out.println(result.encode());
    return errors.get() == 0 ? 0 : 1;
  }

  private static void sendBatch(HttpClient client, RequestOptions options, Buffer body, int b, long[] latencies,
      AtomicLong accepted, AtomicLong duplicates, AtomicLong retries, AtomicLong errors, Runnable next) {
    long t0 = System.nanoTime();
    client.request(options)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(buf -> new Object[] {resp.statusCode(), buf}))
        .onComplete(ar -> {
          if (ar.failed()) {
            errors.incrementAndGet();
            next.run();
            return;
          }
          int status = (Integer) ar.result()[0];
          Buffer buf = (Buffer) ar.result()[1];
          if (status == 503) {
            retries.incrementAndGet(); // saturated: the same batch again, as a client should
            sendBatch(client, options, body, b, latencies, accepted, duplicates, retries, errors, next);
            return;
          }
          latencies[b] = System.nanoTime() - t0;
          if (status == 202) {
            JsonObject reply = buf.toJsonObject();
            accepted.addAndGet(reply.getLong("accepted"));
            duplicates.addAndGet(reply.getLong("duplicates"));
          } else {
            errors.incrementAndGet();
            System.err.println("HTTP " + status + ": " + buf);
          }
          next.run();
        });
  }
}
