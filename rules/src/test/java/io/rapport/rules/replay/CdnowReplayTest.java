package io.rapport.rules.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.rules.RuleBook;
import io.rapport.rules.Touchpoint;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Replays CDNOW's 69,659 purchases through the default rules and checks every count against a
 * computation of the same journey written independently here, in plain Java.
 */
class CdnowReplayTest {
  private static final Instant UNTIL = Instant.parse("1998-07-01T00:00:00Z");

  @Test
  void theCdnowReplayMatchesAnIndependentComputationExactly() throws Exception {
    Path file = Cdnow.file().orElse(null);
    if (file == null && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("shared/data/cdnow/CDNOW_master.txt is required under CI=true");
    }
    Assumptions.assumeTrue(file != null, "CDNOW data not found beside the project: skipping");
    List<Touchpoint> purchases = Cdnow.purchases(file);
    assertThat(purchases).hasSize(69_659);

    Replay replay = new Replay(RuleBook.defaults(), false);
    purchases.forEach(replay::offer);
    ReplayReport report = replay.finish(UNTIL);

    Expected expected = Expected.of(purchases, UNTIL);
    assertThat(report.customers()).isEqualTo(23_570);
    assertThat(report.touchpoints()).isEqualTo(69_659);
    assertThat(report.stages()).isEqualTo(expected.stages);
    assertThat(report.transitions()).isEqualTo(expected.transitions);
    assertThat(report.actions()).isEqualTo(expected.actions);
  }

  /** The default journey for purchases only, computed customer by customer without Drools. */
  static final class Expected {
    final Map<String, Long> stages = new TreeMap<>();
    final Map<String, Long> transitions = new TreeMap<>();
    final Map<String, Long> actions = new TreeMap<>();
    private static final Set<String> ACTIVE = Set.of("NEW_CUSTOMER", "REPEAT", "LOYAL", "ADVOCATE");

    static Expected of(List<Touchpoint> purchases, Instant until) {
      Map<String, List<Touchpoint>> byCustomer = new LinkedHashMap<>();
      purchases.forEach(p -> byCustomer.computeIfAbsent(p.customerId(), k -> new java.util.ArrayList<>()).add(p));
      Expected e = new Expected();
      byCustomer.values().forEach(list -> e.follow(list, until));
      return e;
    }

    private String stage;

    private void follow(List<Touchpoint> history, Instant until) {
      stage = "PROSPECT";
      int orders = 0;
      BigDecimal revenue = BigDecimal.ZERO;
      Instant last = null;
      for (Touchpoint p : history) {
        if (last != null) {
          quiet(last, p.occurredAt(), false);
        }
        orders++;
        revenue = revenue.add(p.value());
        if (stage.equals("PROSPECT")) {
          move("NEW_CUSTOMER", "welcome-first-purchase");
          if (!p.occurredAt().plus(Duration.ofDays(7)).isAfter(until)) {
            action("review-request");
          }
        }
        if (stage.equals("AT_RISK") || stage.equals("CHURNED")) {
          move("REPEAT", "welcome-back");
        }
        if (stage.equals("NEW_CUSTOMER") && orders >= 2) {
          move("REPEAT", "thank-you-repeat");
        }
        if (stage.equals("REPEAT") && (orders >= 5 || revenue.compareTo(BigDecimal.valueOf(500)) >= 0)) {
          move("LOYAL", "loyalty-reward");
        }
        last = p.occurredAt();
      }
      quiet(last, until, true);
      stages.merge(stage, 1L, Long::sum);
    }

    /** What 90 and 365 quiet days do between a purchase and the next moment. */
    private void quiet(Instant lastPurchase, Instant next, boolean inclusive) {
      Instant at90 = lastPurchase.plus(Duration.ofDays(90));
      Instant at365 = lastPurchase.plus(Duration.ofDays(365));
      if ((inclusive ? !at90.isAfter(next) : at90.isBefore(next)) && ACTIVE.contains(stage)) {
        move("AT_RISK", "win-back-offer");
      }
      if ((inclusive ? !at365.isAfter(next) : at365.isBefore(next)) && stage.equals("AT_RISK")) {
        move("CHURNED", null);
      }
    }

    private void move(String to, String template) {
      transitions.merge(stage + "->" + to, 1L, Long::sum);
      stage = to;
      if (template != null) {
        action(template);
      }
    }

    private void action(String template) {
      actions.merge(template, 1L, Long::sum);
    }
  }
}
