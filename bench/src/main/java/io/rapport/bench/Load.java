package io.rapport.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** The HTTP load on the server: a closed loop for throughput, then an open loop at a fixed rate for latency. */
final class Load implements AutoCloseable {
  /** Sent before the half-load samples begin, at their rate, and left out of them. */
  static final Duration LATENCY_LEAD_IN = Duration.ofSeconds(2);

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http;
  private final RequestOptions post;
  private final int port;
  private final long serverPid;
  private final CompilationMXBean serverCompiler;
  private final List<GarbageCollectorMXBean> serverCollectors;
  private final String dbUrl;
  private final int batch;
  private final int latencyBatch;
  /** Where the last measured window's time went (see {@link Report#inside}), with CPU and WAL per touchpoint. */
  private JsonObject lastWindow;
  /** When the last open loop's samples began, by the clock: lines its slowest requests up with other logs. */
  private Instant lastSamplesBegan;

  /**
   * {@code batch} and {@code latencyBatch} are the touchpoints per request of the closed and the
   * open loop; {@code connections} the most requests in flight at once.
   */
  Load(ServerProcess server, String dbUrl, int batch, int latencyBatch, int connections, String ingestKey)
      throws IOException {
    this.port = server.port();
    this.serverPid = server.pid();
    this.serverCompiler = server.compiler();
    this.serverCollectors = server.collectors();
    this.dbUrl = dbUrl;
    this.batch = batch;
    this.latencyBatch = latencyBatch;
    http = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(connections).setKeepAlive(true));
    post = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/v1/touchpoints")
        .putHeader("Content-Type", "application/x-ndjson").putHeader("Authorization", "Bearer " + ingestKey);
  }

  JsonObject lastWindow() {
    return lastWindow;
  }

  Instant lastSamplesBegan() {
    return lastSamplesBegan;
  }

  /** Sends until acknowledged: a 503 or a lost answer means the same batch again (ids make it safe). */
  private CompletableFuture<Long> send(Buffer body) {
    CompletableFuture<Long> accepted = new CompletableFuture<>();
    http.request(post).compose(r -> r.send(body)).compose(r -> r.body().map(b -> r.statusCode() == 202 ? b.toJsonObject() : null))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() != null) {
            accepted.complete(ar.result().getLong("accepted"));
          } else {
            vertx.setTimer(200, id -> send(body).whenComplete((n, e) -> accepted.complete(n)));
          }
        });
    return accepted;
  }

  /** Every client as fast as the server answers; touchpoints per second over the measured window. */
  double closedLoop(Clients clients, Warmup warm, int measuredSeconds) throws Exception {
    AtomicLong counted = new AtomicLong();
    // begin and end are set once the warm-up is over; until then every answer counts as warm-up
    AtomicLong beginAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong endAt = new AtomicLong(Long.MAX_VALUE);
    CompletableFuture<?>[] done = new CompletableFuture<?>[clients.size()];
    for (int k = 0; k < clients.size(); k++) {
      int client = k;
      CompletableFuture<Void> f = new CompletableFuture<>();
      done[k] = f;
      Runnable[] loop = new Runnable[1];
      loop[0] = () -> {
        if (System.nanoTime() >= endAt.get()) {
          f.complete(null);
          return;
        }
        send(clients.nextBatch(client, batch)).thenAccept(n -> {
          long now = System.nanoTime();
          if (now >= beginAt.get() && now < endAt.get()) {
            counted.addAndGet(n);
          }
          vertx.runOnContext(v -> loop[0].run());
        });
      };
      vertx.runOnContext(v -> loop[0].run());
    }
    long begin = warm.awaitEnd(clients::historySent);
    endAt.set(begin + TimeUnit.SECONDS.toNanos(measuredSeconds));
    beginAt.set(begin);
    Window window = new Window();
    CompletableFuture.allOf(done).get();
    window.end(counted.get());
    return counted.get() / (double) measuredSeconds;
  }

  /**
   * Requests at a fixed rate; latency from when each was due (queueing counts). The first
   * {@link #LATENCY_LEAD_IN} of requests are sent at the same rate but not counted, so the
   * samples are of half load itself, not of the step down from full load.
   */
  Latencies openLoop(Clients clients, double touchpointsPerSecond, int measuredSeconds) throws Exception {
    double requestsPerSecond = touchpointsPerSecond / latencyBatch;
    long intervalNanos = (long) (1e9 / requestsPerSecond);
    Window window = new Window();
    long first = System.nanoTime();
    long t0 = first + LATENCY_LEAD_IN.toNanos();
    lastSamplesBegan = Instant.now().plus(LATENCY_LEAD_IN);
    long end = t0 + TimeUnit.SECONDS.toNanos(measuredSeconds);
    ConcurrentLinkedQueue<Latencies.Sample> latencies = new ConcurrentLinkedQueue<>();
    List<ArrayDequeQueue> queues = new ArrayList<>();
    for (int k = 0; k < clients.size(); k++) {
      queues.add(new ArrayDequeQueue(clients, k));
    }
    AtomicLong issued = new AtomicLong();
    AtomicBoolean finished = new AtomicBoolean();
    CompletableFuture<Void> done = new CompletableFuture<>();
    long timer = vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      while (now < end && first + issued.get() * intervalNanos <= now) {
        long due = first + issued.getAndIncrement() * intervalNanos;
        queues.get((int) (issued.get() % clients.size())).offer(due, latencies);
      }
      if (now >= end && finished.compareAndSet(false, true)) {
        done.complete(null);
      }
    });
    done.get();
    vertx.cancelTimer(timer);
    for (ArrayDequeQueue q : queues) {
      q.drained().get(60, TimeUnit.SECONDS);
    }
    window.end((long) latencies.size() * latencyBatch);
    return new Latencies(latencies.stream()
        .filter(l -> l.dueNanos() >= t0)
        .map(l -> new Latencies.Sample(l.dueNanos() - t0, l.latencyNanos()))
        .toList());
  }

  /** One client's requests, one at a time, in order. */
  private final class ArrayDequeQueue {
    private final Clients clients;
    private final int client;
    private final ArrayDeque<Long> due = new ArrayDeque<>();
    private boolean busy;
    private CompletableFuture<Void> idle = CompletableFuture.completedFuture(null);

    ArrayDequeQueue(Clients clients, int client) {
      this.clients = clients;
      this.client = client;
    }

    synchronized void offer(long dueAt, ConcurrentLinkedQueue<Latencies.Sample> latencies) {
      due.add(dueAt);
      if (!busy) {
        busy = true;
        idle = new CompletableFuture<>();
        next(latencies);
      }
    }

    private synchronized void next(ConcurrentLinkedQueue<Latencies.Sample> latencies) {
      Long dueAt = due.poll();
      if (dueAt == null) {
        busy = false;
        idle.complete(null);
        return;
      }
      send(clients.nextBatch(client, latencyBatch)).thenAccept(n -> vertx.runOnContext(v -> {
        latencies.add(new Latencies.Sample(dueAt, System.nanoTime() - dueAt));
        next(latencies);
      }));
    }

    synchronized CompletableFuture<Void> drained() {
      return idle;
    }
  }

  /** The server's meters and everyone's CPU from now until {@link #end}. */
  private final class Window {
    private final ServerMeters meters = ServerMeters.read(port);
    private final CpuUse cpu = CpuUse.read(serverPid);
    private final WalUse wal = WalUse.read(dbUrl);
    private final JvmUse jvm = JvmUse.read(serverCompiler, serverCollectors);

    Window() throws Exception {}

    void end(long touchpoints) throws Exception {
      CpuUse used = CpuUse.read(serverPid).since(cpu);
      long logged = WalUse.read(dbUrl).bytesSince(wal);
      lastWindow = Report.inside(ServerMeters.read(port).since(meters))
          .put("cpu_us_per_touchpoint", new JsonObject()
              .put("server", Report.microsPer(used.serverNanos(), touchpoints))
              .put("load", Report.microsPer(used.loadNanos(), touchpoints))
              .put("postgres", Report.microsPer(used.postgresNanos(), touchpoints)))
          .put("wal_bytes_per_touchpoint", Report.bytesPer(logged, touchpoints))
          .put("server_jvm", JvmUse.read(serverCompiler, serverCollectors).since(jvm));
    }
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
