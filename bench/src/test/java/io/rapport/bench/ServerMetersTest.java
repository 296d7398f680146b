package io.rapport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ServerMetersTest {
  private static final String BEFORE = """
      # HELP rapport_group_commit_seconds Time to write one partition's batch
      # TYPE rapport_group_commit_seconds histogram
      rapport_group_commit_seconds_bucket{le="0.001"} 10.0
      rapport_group_commit_seconds_bucket{le="0.002"} 20.0
      rapport_group_commit_seconds_bucket{le="0.004"} 20.0
      rapport_group_commit_seconds_bucket{le="+Inf"} 20.0
      rapport_group_commit_seconds_count 20.0
      rapport_group_commit_seconds_sum 0.03
      vertx_http_server_response_time_seconds_count{code="202",method="POST"} 5.0
      vertx_http_server_response_time_seconds_sum{code="202",method="POST"} 0.5
      vertx_http_server_response_time_seconds_count{code="400",method="POST"} 1.0
      vertx_http_server_response_time_seconds_sum{code="400",method="POST"} 9.0
      """;
  private static final String AFTER = """
      rapport_group_commit_seconds_bucket{le="0.001"} 10.0
      rapport_group_commit_seconds_bucket{le="0.002"} 21.0
      rapport_group_commit_seconds_bucket{le="0.004"} 118.0
      rapport_group_commit_seconds_bucket{le="+Inf"} 120.0
      rapport_group_commit_seconds_count 120.0
      rapport_group_commit_seconds_sum 0.33
      vertx_http_server_response_time_seconds_count{code="202",method="POST"} 15.0
      vertx_http_server_response_time_seconds_sum{code="202",method="POST"} 0.7
      vertx_http_server_response_time_seconds_count{code="400",method="POST"} 2.0
      vertx_http_server_response_time_seconds_sum{code="400",method="POST"} 19.0
      """;

  @Test
  void aWindowCountsOnlyWhatHappenedInIt() {
    ServerMeters window = ServerMeters.parse(AFTER).since(ServerMeters.parse(BEFORE));

    // 100 commits in the window took 0.3 s; the 20 before it are not in the mean
    assertThat(window.mean("rapport_group_commit_seconds")).isCloseTo(0.003, within(1e-9));
    // of 100 commits, 1 took up to 2 ms and 97 up to 4 ms: the median is in the 4-ms bucket
    assertThat(window.quantile("rapport_group_commit_seconds", 0.5)).isEqualTo(0.004);
    assertThat(window.quantile("rapport_group_commit_seconds", 0.99)).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void labelsSelectTheSeriesAMeanIsTakenOver() {
    ServerMeters window = ServerMeters.parse(AFTER).since(ServerMeters.parse(BEFORE));

    assertThat(window.mean("vertx_http_server_response_time_seconds", "code=\"202\"")).isCloseTo(0.02, within(1e-9));
    assertThat(window.mean("vertx_http_server_response_time_seconds")).isCloseTo(10.2 / 11, within(1e-9));
  }

  @Test
  void aMeterWithNothingInTheWindowHasNoFigure() {
    ServerMeters same = ServerMeters.parse(BEFORE).since(ServerMeters.parse(BEFORE));

    assertThat(same.mean("rapport_group_commit_seconds")).isNaN();
    assertThat(same.quantile("rapport_group_commit_seconds", 0.5)).isNaN();
    assertThat(same.mean("rapport_no_such_meter")).isNaN();
  }
}
