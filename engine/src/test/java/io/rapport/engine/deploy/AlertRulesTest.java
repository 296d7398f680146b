package io.rapport.engine.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The alert rules in deploy/prometheus pass promtool's own checks and its unit tests (rapport-alerts-test.yml): each
 * alert fires on the data it is written for, and stays quiet before.
 */
class AlertRulesTest {
  @Test
  void theAlertRulesAreValidPrometheusRules() throws Exception {
    Promtool.Answer a = Promtool.find().run(Promtool.deploy().resolve("prometheus"), null, "check", "rules",
        "rapport-alerts.yml");
    assertThat(a.exit()).as(a.output()).isZero();
  }

  @Test
  void eachAlertFiresOnTheDataItIsForAndNotBefore() throws Exception {
    Promtool.Answer a = Promtool.find().run(Promtool.deploy().resolve("prometheus"), null, "test", "rules",
        "rapport-alerts-test.yml");
    assertThat(a.exit()).as(a.output()).isZero();
  }

  @Test
  void theScrapeConfigurationIsValid() throws Exception {
    Promtool.Answer a = Promtool.find().run(Promtool.deploy().resolve("prometheus"), null, "check", "config",
        "prometheus.yml");
    assertThat(a.exit()).as(a.output()).isZero();
  }
}
