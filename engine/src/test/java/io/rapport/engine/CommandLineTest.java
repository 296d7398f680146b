package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The marketers' command-line tools, run as a marketer would run them. */
class CommandLineTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }

  private static String purchase(String id, String customer, String at, double value) {
    return new JsonObject().put("id", id).put("customerId", customer).put("type", "purchase").put("occurredAt", at)
        .put("value", value).encode() + "\n";
  }

  @Test
  void rulesTestPassesOverTheDefaultScenarios() {
    assertThat(run("rules", "test")).isZero();
    assertThat(out.toString()).contains("PASS  purchases.yaml: The second purchase makes a repeat customer").containsPattern("\\d+ passed, 0 failed");
  }

  @Test
  void aRuleChangeThatBreaksAScenarioFailsWithWhatDiffered(@TempDir Path dir) throws Exception {
    String purchases = new String(getClass().getResourceAsStream("/rapport/journey/purchases.drl").readAllBytes());
    Files.writeString(dir.resolve("purchases.drl"), purchases.replace("orders >= 2", "orders >= 3"));
    assertThat(run("rules", "test", dir.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("FAIL  purchases.yaml: The second purchase makes a repeat customer")
        .contains("stage: expected REPEAT, got NEW_CUSTOMER").containsPattern("\\d+ passed, [1-9]\\d* failed");
  }

  @Test
  void aMarketersOwnScenarioRunsBesideTheDefaults(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("vip.drl"), Api.resource("/vip.drl"));
    Files.writeString(dir.resolve("vip.yaml"), """
        - name: A 1500 first order gets the call
          touchpoints:
            - { type: purchase, at: 2026-01-01T10:00:00Z, value: 1500 }
          expect:
            actions: [ email:welcome-first-purchase, phone:vip-thank-you ]
        """);
    assertThat(run("rules", "test", dir.toString())).isZero();
    assertThat(out.toString()).contains("PASS  vip.yaml: A 1500 first order gets the call");
  }

  @Test
  void replayPrintsOneJsonReport(@TempDir Path dir) throws Exception {
    Path events = dir.resolve("history.ndjson");
    Files.writeString(events, purchase("p1", "a", "2026-01-01T00:00:00Z", 10) + purchase("p2", "a", "2026-01-05T00:00:00Z", 10)
        + purchase("p3", "b", "2026-02-01T00:00:00Z", 10));
    assertThat(run("replay", "--events", events.toString(), "--until", "2026-04-15T00:00:00Z")).isZero();
    JsonObject report = new JsonObject(out.toString().trim());
    assertThat(report.getLong("customers")).isEqualTo(2);
    assertThat(report.getLong("touchpoints")).isEqualTo(3);
    // a: repeat, then 90 quiet days (due 2026-04-05) at risk; b: new customer, due 2026-05-02, still new.
    assertThat(report.getJsonObject("stages").getMap()).containsEntry("AT_RISK", 1).containsEntry("NEW_CUSTOMER", 1);
    assertThat(report.getJsonObject("transitions").getMap()).containsEntry("REPEAT->AT_RISK", 1);
    assertThat(report.getJsonObject("actions").getMap()).containsEntry("review-request", 2).containsEntry("win-back-offer", 1);
  }

  @Test
  void aBadLineStopsTheReplayWithItsNumberAndReason(@TempDir Path dir) throws Exception {
    Path events = dir.resolve("bad.ndjson");
    Files.writeString(events, purchase("p1", "a", "2026-01-01T00:00:00Z", 10) + "{\"id\":\"p2\",\"customerId\":\"a\",\"type\":\"purchase\"}\n");
    assertThat(run("replay", "--events", events.toString(), "--until", "2026-04-15T00:00:00Z")).isEqualTo(1);
    assertThat(err.toString()).contains("line 2: occurredAt is required");
    assertThat(out.toString()).isEmpty();
    Path unordered = dir.resolve("unordered.ndjson");
    Files.writeString(unordered, purchase("p1", "a", "2026-02-01T00:00:00Z", 10) + purchase("p2", "a", "2026-01-01T00:00:00Z", 10));
    assertThat(run("replay", "--events", unordered.toString(), "--until", "2026-04-15T00:00:00Z")).isEqualTo(1);
    assertThat(err.toString()).contains("line 2: occurredAt 2026-01-01T00:00:00Z is earlier than the line before");
  }

  @Test
  void simulateComparesCandidateRulesWithTheDefaults(@TempDir Path dir) throws Exception {
    Path events = dir.resolve("history.ndjson");
    Files.writeString(events, purchase("p1", "a", "2026-01-01T00:00:00Z", 10) + purchase("p2", "a", "2026-01-05T00:00:00Z", 10));
    Path candidate = Files.createDirectory(dir.resolve("candidate"));
    String purchases = new String(getClass().getResourceAsStream("/rapport/journey/purchases.drl").readAllBytes());
    Files.writeString(candidate.resolve("purchases.drl"), purchases.replace("orders >= 2", "orders >= 3"));
    assertThat(run("simulate", "--events", events.toString(), "--rules", candidate.toString())).isZero();
    JsonObject c = new JsonObject(out.toString().trim());
    assertThat(c.getLong("customersChanged")).isEqualTo(1);
    JsonObject changed = c.getJsonArray("sample").getJsonObject(0);
    assertThat(changed.getJsonObject("baseline").getString("stage")).isEqualTo("REPEAT");
    assertThat(changed.getJsonObject("candidate").getString("stage")).isEqualTo("NEW_CUSTOMER");
    assertThat(changed.getJsonObject("baseline").getJsonArray("path").getJsonObject(1).getString("rule"))
        .isEqualTo("Second purchase makes a repeat customer");
    assertThat(c.getJsonObject("actions").getJsonObject("thank-you-repeat").getLong("difference")).isEqualTo(-1);
  }
}
