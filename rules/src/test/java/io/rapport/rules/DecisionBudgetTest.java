package io.rapport.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kie.api.definition.rule.Rule;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.Match;

/** A decision that does not settle ends, fails naming the rule, and leaves the thread to the next. */
class DecisionBudgetTest {
  private static final String PING_PONG = """
      package rapport.journey
      import io.rapport.rules.Customer
      global io.rapport.rules.Journey journey

      rule "Ping"
      when
          $c : Customer( stage != "PING" )
      then
          journey.moveTo($c, "PING", "ping");
      end

      rule "Pong"
      when
          $c : Customer( stage == "PING" )
      then
          journey.moveTo($c, "PONG", "pong");
      end
      """;

  private static Touchpoint visit(String id) {
    return new Touchpoint(id, "c", "web_visit", Instant.parse("2026-03-01T10:00:00Z"), "web", null, null, Map.of());
  }

  @Test
  void rulesThatKeepFiringEachOtherStopAtTheTimeBudgetNamingTheRule() {
    RuleBook rules = RuleBook.compile(Map.of("rapport/journey/loop.drl", PING_PONG),
        new RuleLimits(Duration.ofMillis(50), Integer.MAX_VALUE));
    long start = System.nanoTime();
    Decision d = rules.decide(new Customer("c-1"), visit("v-1"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(d.failedToDecide()).isTrue();
    assertThat(d.error()).matches("rule \"(Ping|Pong)\" exceeded the decision budget of 50 ms.*");
    assertThat(d.transitions()).isEmpty();
  }

  @Test
  void rulesThatKeepFiringEachOtherStopAtTheFiringCap() {
    RuleBook rules = RuleBook.compile(Map.of("rapport/journey/loop.drl", PING_PONG),
        new RuleLimits(Duration.ofMinutes(5), 100));
    Decision d = rules.decide(new Customer("c-1"), visit("v-1"));
    assertThat(d.error()).matches("rule \"(Ping|Pong)\" exceeded the budget of 100 firings.*");
  }

  @Test
  void afterAHaltedDecisionTheNextOnTheSameThreadGetsAFreshSessionAndWorks() {
    RuleBook halted = RuleBook.compile(Map.of("rapport/journey/loop.drl", PING_PONG), RuleLimits.withDecisionBudget(Duration.ofMillis(20)));
    assertThat(halted.decide(new Customer("c-1"), visit("v-1")).failedToDecide()).isTrue();
    assertThat(halted.decide(new Customer("c-2"), visit("v-2")).failedToDecide()).isTrue();
    assertThat(halted.sessionsOpened()).isEqualTo(2);

    RuleBook defaults = RuleBook.defaults().withLimits(RuleLimits.withDecisionBudget(Duration.ofSeconds(1)));
    assertThat(defaults.limits().decisionBudget()).isEqualTo(Duration.ofSeconds(1));
    Customer c = new Customer("c-3");
    Decision d = defaults.decide(c, new Touchpoint("p-1", "c-3", "purchase", Instant.parse("2026-03-01T10:00:00Z"),
        "web", BigDecimal.TEN, "EUR", Map.of()));
    assertThat(d.failedToDecide()).isFalse();
    assertThat(c.getStage()).isEqualTo("NEW_CUSTOMER");
  }

  @Test
  void anOutOfMemoryErrorFromOneHugeAllocationIsAFailedDecisionAndTheThreadGoesOn() {
    RuleBook rules = RuleBook.compile(Map.of("rapport/journey/plain.drl", """
        package rapport.journey
        import io.rapport.rules.Customer
        global io.rapport.rules.Journey journey

        rule "Revenue in full"
        when
            $c : Customer()
        then
            journey.set($c, "revenue", $c.getRevenue().toPlainString());
        end
        """));
    // 1 followed by 2,147,483,627 zeros: its text would be an array larger than the JVM allows
    Customer absurd = new Customer("c-1", "LEAD", null, 0, new BigDecimal("1E+2147483627"), null, null, null, 0, Map.of(), 0);
    Decision d = rules.decide(absurd, visit("v-1"));
    assertThat(d.failedToDecide()).isTrue();
    assertThat(d.error()).contains("Revenue in full").contains("OutOfMemoryError");

    Customer fine = new Customer("c-2");
    assertThat(rules.decide(fine, visit("v-2")).failedToDecide()).isFalse();
    assertThat(fine.attribute("revenue")).isEqualTo("0");
  }

  @Test
  void limitsMustBePositive() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RuleLimits(Duration.ZERO, 10))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RuleLimits(Duration.ofMillis(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDecisionThatWaitsOnABusyMachineKeepsItsBudgetAndOneThatWorksSpendsIt() throws Exception {
    DecisionBudget budget = new DecisionBudget(haltable(), Duration.ofMillis(50));
    budget.start();
    Thread.sleep(120); // descheduled, as on a loaded machine: wall time passes, the rules' work does not
    budget.beforeMatchFired(firing("Waits"));
    assertThat(budget.exceededBy()).as("time spent waiting is not the rules' time").isNull();

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long spun = 0;
    while (threads.getCurrentThreadCpuTime() - cpu < Duration.ofMillis(60).toNanos()) {
      spun++; // work, as a rule that never settles does
    }
    budget.beforeMatchFired(firing("Works"));
    assertThat(budget.exceededBy()).as("after %d turns", spun).isEqualTo("Works");
  }

  /** A session whose only use here is to be halted. */
  private static KieSession haltable() {
    return (KieSession) Proxy.newProxyInstance(KieSession.class.getClassLoader(), new Class<?>[] {KieSession.class},
        (proxy, method, args) -> null);
  }

  /** The event Drools gives before it fires the rule {@code name}. */
  private static BeforeMatchFiredEvent firing(String name) {
    Rule rule = (Rule) Proxy.newProxyInstance(Rule.class.getClassLoader(), new Class<?>[] {Rule.class},
        (proxy, method, args) -> method.getName().equals("getName") ? name : null);
    Match match = (Match) Proxy.newProxyInstance(Match.class.getClassLoader(), new Class<?>[] {Match.class},
        (proxy, method, args) -> method.getName().equals("getRule") ? rule : null);
    return (BeforeMatchFiredEvent) Proxy.newProxyInstance(BeforeMatchFiredEvent.class.getClassLoader(),
        new Class<?>[] {BeforeMatchFiredEvent.class},
        (proxy, method, args) -> method.getName().equals("getMatch") ? match : null);
  }
}
