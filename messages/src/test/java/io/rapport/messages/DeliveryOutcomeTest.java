package io.rapport.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeliveryOutcomeTest {

  @ParameterizedTest(name = "HTTP {0} retriable={1}")
  @CsvSource({"500,true", "502,true", "503,true", "408,true", "425,true", "429,true", "400,false", "401,false", "404,false", "410,false", "422,false"})
  void aReceiverThatRefusesWillRefuseAgainButTroubleOnTheWayMayPass(int status, boolean retriable) {
    DeliveryOutcome o = DeliveryOutcome.ofStatus(status);
    assertThat(o.sent()).isFalse();
    assertThat(o.retriable()).isEqualTo(retriable);
  }

  @Test
  void twoHundredsAreSent() {
    assertThat(DeliveryOutcome.ofStatus(204).sent()).isTrue();
  }

  @Test
  void connectionTroubleFoundAnywhereInTheCauseChainIsRetriable() {
    assertThat(DeliveryOutcome.ofFailure(new RuntimeException("wrapped", new ConnectException("refused"))).retriable()).isTrue();
    assertThat(DeliveryOutcome.ofFailure(new UncheckedIOException(new java.io.IOException("reset"))).retriable()).isTrue();
    assertThat(DeliveryOutcome.ofFailure(new TimeoutException()).retriable()).isTrue();
    assertThat(DeliveryOutcome.ofFailure(new IllegalArgumentException("bad url")).retriable()).isFalse();
  }

  @Test
  void aReplyReadsBackAsTheOutcomeItWasAndAnythingUnclearIsARetriableFailure() {
    for (DeliveryOutcome o : new DeliveryOutcome[] {DeliveryOutcome.delivered(), DeliveryOutcome.permanent("HTTP 400"),
        DeliveryOutcome.retriable("HTTP 503")}) {
      assertThat(DeliveryOutcome.fromJson(o.toJson())).isEqualTo(o);
    }
    assertThat(DeliveryOutcome.fromJson(null).retriable()).isTrue();
    assertThat(DeliveryOutcome.fromJson(new io.vertx.core.json.JsonObject().put("outcome", "maybe")))
        .isEqualTo(DeliveryOutcome.retriable("unknown failure"));
    assertThat(DeliveryOutcome.fromJson(new io.vertx.core.json.JsonObject().put("outcome", "failed").put("retriable", "no"))
        .retriable()).isTrue();
  }

  @Test
  void theWireFormIsWhatTheRelayReads() {
    assertThat(DeliveryOutcome.delivered().toJson().encode()).isEqualTo("{\"outcome\":\"sent\"}");
    assertThat(DeliveryOutcome.permanent("HTTP 400").toJson().encode())
        .isEqualTo("{\"outcome\":\"failed\",\"retriable\":false,\"error\":\"HTTP 400\"}");
  }

  @Test
  void aRetryAfterInSecondsOrAsAnHttpDateIsTheLeastWaitOfARetriableFailure() {
    java.time.Instant now = java.time.Instant.parse("2026-12-07T10:00:00Z");
    assertThat(DeliveryOutcome.ofStatus(503, "120", now).retryAfterSeconds()).isEqualTo(120L);
    assertThat(DeliveryOutcome.ofStatus(429, "Mon, 07 Dec 2026 10:05:00 GMT", now).retryAfterSeconds()).isEqualTo(300L);
    assertThat(DeliveryOutcome.ofStatus(503, "soon", now).retryAfterSeconds()).isNull();
    assertThat(DeliveryOutcome.ofStatus(503, "99999999999", now).retryAfterSeconds()).isEqualTo(86_400L);
    assertThat(DeliveryOutcome.ofStatus(400, "120", now).retryAfterSeconds()).as("a refusal is not retried").isNull();
    DeliveryOutcome later = DeliveryOutcome.ofStatus(503, "30", now);
    assertThat(DeliveryOutcome.fromJson(later.toJson())).isEqualTo(later);
  }
}
