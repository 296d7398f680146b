package io.rapport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerProcessIT {
  @TempDir Path dir;

  @Test
  void theServerUnderTestRunsInAJvmOfItsOwnTakesTouchpointsAndReportsItsOwnHeap() throws Exception {
    ServerProcess server = ServerProcess.start(Map.of("data.dir", dir.toString(), "drop.dir", "off", "ingest.key", "bench-key"),
        List.of("-Xmx256m"), dir);
    // an hour ago by the server's clock: none of the purchase's timers is due while the test reads the meters
    Instant anHourAgo = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    try {
      assertThat(server.pid()).isNotEqualTo(ProcessHandle.current().pid());
      HttpResponse<String> accepted = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/touchpoints"))
              .header("Content-Type", "application/json")
              .header("Authorization", "Bearer bench-key")
              .POST(HttpRequest.BodyPublishers.ofString(
                  "{\"id\":\"t-1\",\"customerId\":\"c-1\",\"type\":\"purchase\",\"occurredAt\":\"" + anHourAgo + "\","
                      + "\"value\":20,\"currency\":\"EUR\"}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(accepted.statusCode()).isEqualTo(202);
      // the bench's view inside the server reads these meters by name
      ServerMeters meters = ServerMeters.read(server.port());
      assertThat(meters.mean("vertx_http_server_response_time_seconds", "method=\"POST\"", "code=\"202\"")).isPositive();
      assertThat(meters.quantile("rapport_ingest_lag_seconds", 0.5)).isPositive().isFinite();
      assertThat(meters.mean("rapport_group_commit_touchpoints")).isEqualTo(1.0);
      assertThat(meters.mean("rapport_decision_seconds")).isPositive();
      // a first purchase: one touchpoint decided, the customer's first stage change and its welcome
      assertThat(meters.value("rapport_touchpoints_total", "outcome=\"decided\"")).isEqualTo(1.0);
      assertThat(meters.value("rapport_stage_transitions_total")).isEqualTo(1.0);
      assertThat(meters.value("rapport_actions_total", "outcome=\"created\"")).isPositive();
      // the figures are the child's: its heap is bounded by its own -Xmx, not this JVM's
      assertThat(server.memory().getHeapMemoryUsage().getMax()).isLessThanOrEqualTo(256L * 1024 * 1024)
          .isNotEqualTo(Runtime.getRuntime().maxMemory());
      assertThat(server.heapUsedMb()).isBetween(1L, 256L);
      assertThat(server.compiler().getTotalCompilationTime()).isPositive();
      // and its collectors: the full collection heapUsedMb asked for is counted there
      assertThat(server.collectors()).isNotEmpty();
      assertThat(JvmUse.read(server.compiler(), server.collectors()).collections()).isPositive();
    } finally {
      server.close();
    }
    assertThat(ProcessHandle.of(server.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(Files.readString(dir.resolve("server.log"))).contains("Rapport listening on port " + server.port());
  }

  @Test
  void aServerThatCannotStartIsReportedWithItsLog() {
    assertThatThrownBy(() -> ServerProcess.start(Map.of("data.dir", dir.toString(), "ingest.partitions", "0"), List.of(), dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with 2")
        .hasMessageContaining(dir.resolve("server.log").toString());
  }
}
