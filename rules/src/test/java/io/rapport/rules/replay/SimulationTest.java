package io.rapport.rules.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.rules.RuleBook;
import io.rapport.rules.RuleFiles;
import io.rapport.rules.Touchpoint;
import io.rapport.rules.Transition;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Backtesting "at risk after 60 quiet days instead of 90" on CDNOW's history. */
class SimulationTest {

  static Map<String, String> atRiskAfter60Days() {
    Map<String, String> files = new TreeMap<>(RuleFiles.defaults());
    String retention = files.get("rapport/journey/retention.drl")
        .replace("rule \"No purchase for 90 days puts a customer at risk\"", "rule \"No purchase for 60 days puts a customer at risk\"")
        .replace("properties[\"name\"] == \"inactive-90\"", "properties[\"name\"] == \"inactive-60\"")
        .replace("\"no purchase for 90 days\"", "\"no purchase for 60 days\"")
        + """

        rule "Every purchase starts the 60-day clock"
        when
            $c : Customer()
            Touchpoint( type == "purchase" )
        then
            journey.afterDays($c, 60, "inactive-60");
        end
        """;
    files.put("rapport/journey/retention.drl", retention);
    return files;
  }

  @Test
  void aShorterAtRiskThresholdPutsMoreCustomersAtRiskAndSaysWhoAndWhy() throws Exception {
    Path file = Cdnow.file().orElse(null);
    Assumptions.assumeTrue(file != null, "CDNOW data not found beside the project: skipping");
    List<Touchpoint> purchases = Cdnow.purchases(file);
    Simulation simulation = new Simulation(RuleBook.defaults(), RuleBook.compile(atRiskAfter60Days()));
    purchases.forEach(simulation::offer);
    Comparison c = simulation.finish(Instant.parse("1998-07-01T00:00:00Z"));

    long before = c.baseline().transitions().getOrDefault("REPEAT->AT_RISK", 0L);
    long after = c.candidate().transitions().getOrDefault("REPEAT->AT_RISK", 0L);
    assertThat(after).isGreaterThan(before);
    assertThat(c.customersChanged()).isPositive();
    assertThat(c.sample()).hasSize(Simulation.SAMPLE).allSatisfy(changed -> {
      assertThat(changed.candidateStage()).isNotEqualTo(changed.baselineStage());
      assertThat(changed.candidatePath()).extracting(Transition::rule).isNotEqualTo(changed.baselinePath().stream().map(Transition::rule).toList());
    });
    assertThat(c.sample()).anySatisfy(changed -> assertThat(changed.candidatePath())
        .extracting(Transition::rule).contains("No purchase for 60 days puts a customer at risk"));
    assertThat(c.stageCounts().get("AT_RISK")[1] + c.stageCounts().get("CHURNED")[1])
        .isGreaterThanOrEqualTo(c.stageCounts().get("AT_RISK")[0] + c.stageCounts().get("CHURNED")[0]);
    // The history is the same: only the decisions differ.
    assertThat(c.candidate().touchpoints()).isEqualTo(c.baseline().touchpoints());
    assertThat(c.candidate().customers()).isEqualTo(c.baseline().customers());
  }
}
