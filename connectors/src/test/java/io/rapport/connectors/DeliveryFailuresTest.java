package io.rapport.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeliveryFailuresTest {

  @ParameterizedTest(name = "HTTP {0} retriable={1}")
  @CsvSource({"500,true", "502,true", "503,true", "408,true", "425,true", "429,true", "400,false", "401,false", "404,false", "410,false", "422,false"})
  void aReceiverThatRefusesWillRefuseAgainButTroubleOnTheWayMayPass(int status, boolean retriable) {
    DeliveryOutcome o = DeliveryFailures.ofStatus(status);
    assertThat(o.sent()).isFalse();
    assertThat(o.retriable()).isEqualTo(retriable);
  }

  @Test
  void twoHundredsAreSent() {
    assertThat(DeliveryFailures.ofStatus(204).sent()).isTrue();
  }

  @Test
  void connectionTroubleFoundAnywhereInTheCauseChainIsRetriable() {
    assertThat(DeliveryFailures.of(new RuntimeException("wrapped", new ConnectException("refused"))).retriable()).isTrue();
    assertThat(DeliveryFailures.of(new UncheckedIOException(new java.io.IOException("reset"))).retriable()).isTrue();
    assertThat(DeliveryFailures.of(new TimeoutException()).retriable()).isTrue();
    assertThat(DeliveryFailures.of(new IllegalArgumentException("bad url")).retriable()).isFalse();
  }

  @Test
  void theWireFormIsWhatTheRelayReads() {
    assertThat(DeliveryOutcome.delivered().toJson().encode()).isEqualTo("{\"outcome\":\"sent\"}");
    assertThat(DeliveryOutcome.permanent("HTTP 400").toJson().encode())
        .isEqualTo("{\"outcome\":\"failed\",\"retriable\":false,\"error\":\"HTTP 400\"}");
  }
}
