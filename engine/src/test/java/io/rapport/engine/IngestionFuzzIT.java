package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.engine.config.Settings;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fault suite's fuzz: twenty thousand hostile and broken bodies against HTTP ingestion on PostgreSQL. Every one is
 * answered, none with a 5xx; nothing of a rejected batch is stored; the server is healthy after. Seeded, so that a
 * failing body can be made again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestionFuzzIT {
  static final int BODIES = 20_000;
  private static final String KEY = "fuzz-ingest-key";
  private TestDatabase database;
  private Server server;
  private Api api;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    database = TestDatabase.create();
    server = Server.start(Settings.of(Map.of("http.port", "0", "data.dir", dir.toString(), "db.url", database.url(),
        "drop.dir", "off", "ingest.key", KEY, "admin.key", ServerContract.ADMIN_KEY)));
    api = new Api(server.port()).as(ServerContract.ADMIN_KEY);
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void everyHostileBodyIsAnsweredWithoutA5xxAndNothingOfARejectedBatchIsStored() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    Map<Integer, AtomicInteger> codes = new ConcurrentHashMap<>();
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    Set<String> rejected = ConcurrentHashMap.newKeySet();
    List<String> unanswered = java.util.Collections.synchronizedList(new ArrayList<>());
    int clients = 4;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> done = new ArrayList<>();
    long began = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      HostileBodies bodies = new HostileBodies(1234 + c, "fuzz" + c, new Touchpoints(Clock.systemUTC()).start());
      done.add(pool.submit(() -> {
        for (int i = 0; i < BODIES / clients; i++) {
          HostileBodies.Body b = bodies.next();
          HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
              + "/v1/touchpoints")).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + KEY)
              .POST(HttpRequest.BodyPublishers.ofByteArray(b.bytes()));
          if (!b.contentType().isEmpty()) {
            request.header("Content-Type", b.contentType());
          }
          try {
            int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            codes.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
            (status == 202 ? accepted : rejected).addAll(b.ids());
          } catch (Exception e) {
            unanswered.add(e + " for " + new String(b.bytes(), 0, Math.min(200, b.bytes().length), StandardCharsets.UTF_8));
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    Duration took = Duration.ofNanos(System.nanoTime() - began);
    Map<Integer, Integer> counted = new TreeMap<>();
    codes.forEach((code, n) -> counted.put(code, n.get()));
    System.out.printf("fuzz: %d bodies in %d ms, answers %s%n", BODIES, took.toMillis(), counted);

    assertThat(unanswered).isEmpty();
    assertThat(counted.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(BODIES);
    assertThat(counted.keySet()).allSatisfy(code -> assertThat(code).isIn(202, 400, 413, 415));
    assertThat(counted).containsKeys(202, 400, 415);
    Set<String> neverStored = new HashSet<>(rejected);
    neverStored.removeAll(accepted); // an id may come again in a later, good body
    neverStored.removeIf(id -> !storable(id)); // an id no store could hold cannot even be looked up
    assertThat(server.store().knownTouchpoints(neverStored)).isEmpty();
    Set<String> missing = new HashSet<>(accepted);
    missing.removeAll(server.store().knownTouchpoints(accepted));
    assertThat(missing).as("acknowledged and not stored").isEmpty();
    assertThat(api.get("/health/ready").status()).isEqualTo(200);
  }

  /** Whether PostgreSQL can hold the text: no NUL, no half of a surrogate pair. */
  private static boolean storable(String s) {
    return s.indexOf('\u0000') < 0 && StandardCharsets.UTF_8.newEncoder().canEncode(s);
  }

  /** Chunked bodies whose framing is broken; a server must still answer, and say it is the client's fault. */
  @ParameterizedTest
  @ValueSource(strings = {
      "ZZ\r\n{}\r\n0\r\n\r\n", // a chunk size that is no number
      "5\r\n{\"a\":1}\r\n0\r\n\r\n", // more bytes than the size said
      "-1\r\n{}\r\n0\r\n\r\n", // a negative size
      "ffffffffffffffff\r\n{}\r\n0\r\n\r\n", // a size no body could have
      "2;xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n{\r\n0\r\n\r\n", // too short
  })
  void aMalformedChunkedBodyGetsA4xxAnswer(String chunks) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/touchpoints HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY + "\r\n"
          + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks)
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String statusLine = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
      assertThat(statusLine).matches("HTTP/1\\.1 4\\d\\d");
    }
    assertThat(api.get("/health/ready").status()).isEqualTo(200);
  }
}
