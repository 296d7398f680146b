package io.rapport.connectors.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rapport.messages.ActionMessage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** An email is composed from its action, unless it waited so long that the relay sends it again. */
class EmailComposerTest {
  private static final CamelContext CAMEL = new DefaultCamelContext();

  private static Exchange actionFor(String email) {
    ActionMessage action = new ActionMessage(1, "tp-1/0", "c-1", "email", "welcome", Map.of(), "a rule", "tp-1", 1,
        "email", email, null, Map.of("firstName", "Ann"), false, null, List.of());
    Exchange exchange = new DefaultExchange(CAMEL);
    exchange.getMessage().setBody(action.toJson());
    return exchange;
  }

  private static EmailComposer composer(long queueTimeoutMillis) {
    EmailComposer composer = new EmailComposer();
    composer.setFrom("Shop <hello@shop.example>");
    composer.setQueueTimeoutMillis(queueTimeoutMillis);
    return composer;
  }

  @Test
  void anActionTakenInTimeBecomesAnEmailToTheCustomer() throws Exception {
    Exchange exchange = actionFor("ann@example.com");
    composer(60_000).process(exchange);
    assertThat(exchange.getMessage().getHeader("To")).isEqualTo("ann@example.com");
    assertThat(exchange.getMessage().getHeader("X-Rapport-Action")).isEqualTo("tp-1/0");
  }

  @Test
  void anActionThatWaitedPastTheDeliveryTimeoutIsNotSentSinceTheRelaySendsItAgain() throws Exception {
    Exchange exchange = actionFor("ann@example.com");
    Thread.sleep(30);
    assertThatThrownBy(() -> composer(10).process(exchange)).isInstanceOf(TimeoutException.class)
        .hasMessageContaining("not sent");
    assertThat(exchange.getMessage().getHeader("To")).isNull();
  }
}
