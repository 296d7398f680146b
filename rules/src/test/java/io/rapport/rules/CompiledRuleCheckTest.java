package io.rapport.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;

/**
 * The second wall reads what the compiler made: it passes what the default rules compile to, and
 * refuses a consequence that reaches out even when the first wall is not there to stop it.
 */
class CompiledRuleCheckTest {
  private final CompiledRuleCheck check = new CompiledRuleCheck();

  @Test
  void theDefaultRulesCompileToClassesThatPass() {
    KieBase kieBase = build(RuleFiles.defaults());
    Map<String, byte[]> classes = CompiledRules.classes(kieBase);
    assertThat(classes).isNotEmpty();
    assertThat(classes.keySet()).allMatch(name -> name.substring(name.lastIndexOf('/') + 1).startsWith("Rule_"));
    assertThat(CompiledRules.check(kieBase, RuleFiles.defaults())).isEmpty();
  }

  @Test
  void aConsequenceThatReachesOutIsRefusedByItsCompiledClassAlone() {
    String drl = """
        package rapport.journey
        import io.rapport.rules.Customer
        global io.rapport.rules.Journey journey
        rule "Reaches out"
        when
            $c : Customer()
        then
            journey.set($c, "cpus", Runtime.getRuntime().availableProcessors());
        end
        """;
    Map<String, String> files = Map.of("rapport/journey/out.drl", drl);
    List<RuleProblem> problems = CompiledRules.check(build(files), files);
    assertThat(problems).isNotEmpty().allSatisfy(p -> {
      assertThat(p.file()).isEqualTo("rapport/journey/out.drl");
      assertThat(p.line()).isEqualTo(4);
      assertThat(p.message()).contains("Reaches out");
    });
    assertThat(problems).anySatisfy(p -> assertThat(p.message()).contains("'java.lang.Runtime.getRuntime'"));
  }

  /** Consequences written in Java, compiled by javac, read as if Drools had made them. */
  static final class Allowed {
    static void consequence(Journey journey, Customer c, Touchpoint t) {
      journey.send(c, "email", "thanks", journey.with("reason", "NPS " + c.getLastNps(), "orders", c.getOrders()));
      if (t.getValue() != null && c.getRevenue().compareTo(t.getValue()) > 0) {
        journey.moveTo(c, "LOYAL", "revenue " + Math.max(c.getOrders(), 5));
      }
    }
  }

  static final class Reflection {
    static void consequence(Customer c) throws Exception {
      c.getClass().getDeclaredField("attributes").setAccessible(true);
    }
  }

  static final class Loop {
    static void consequence(Journey journey) {
      while (journey.now() != null) {
        journey.now();
      }
    }
  }

  static final class Lambda {
    static Supplier<String> consequence(Customer c) {
      return c::getId;
    }
  }

  static final class StaticField {
    static void consequence(Customer c) {
      System.out.println(c);
    }
  }

  static final class Catch {
    static void consequence(Journey journey, Customer c) {
      try {
        journey.moveTo(c, "", "x");
      } catch (RuntimeException e) {
        journey.now();
      }
    }
  }

  static final class Writes {
    static void consequence(Customer c) {
      c.getAttributes().put("emailConsent", true);
    }
  }

  private List<String> problemsOf(Class<?> type) throws IOException {
    String name = type.getName().replace('.', '/');
    try (InputStream in = type.getClassLoader().getResourceAsStream(name + ".class")) {
      return check.check("rapport/journey/Rule_" + type.getSimpleName() + "_1", in.readAllBytes());
    }
  }

  @Test
  void whatTheCompilerWritesForAllowedCodePasses() throws IOException {
    assertThat(problemsOf(Allowed.class)).isEmpty();
  }

  @Test
  void reflectionLoopsLambdasStaticFieldsCatchesAndWritesAreRefused() throws IOException {
    assertThat(problemsOf(Reflection.class)).anySatisfy(m -> assertThat(m).contains(".getClass'"));
    assertThat(problemsOf(Loop.class)).anySatisfy(m -> assertThat(m).contains("a loop"));
    assertThat(problemsOf(Lambda.class)).anySatisfy(m -> assertThat(m).contains("LambdaMetafactory"));
    assertThat(problemsOf(StaticField.class)).anySatisfy(m -> assertThat(m).contains("'java.lang.System.out'"));
    assertThat(problemsOf(Catch.class)).anySatisfy(m -> assertThat(m).contains("'try'"));
    assertThat(problemsOf(Writes.class)).anySatisfy(m -> assertThat(m).contains("'java.util.Map.put'"));
  }

  @Test
  void aClassTheCompilerDoesNotMakeForARuleIsRefused() throws IOException {
    try (InputStream in = Allowed.class.getClassLoader().getResourceAsStream(Allowed.class.getName().replace('.', '/') + ".class")) {
      assertThat(check.check("rapport/journey/Evil", in.readAllBytes())).singleElement()
          .satisfies(m -> assertThat(m).contains("is not one the compiler makes for a rule"));
    }
  }

  /** Drools' own build, without the first wall. */
  private static KieBase build(Map<String, String> files) {
    KieServices ks = KieServices.Factory.get();
    KieFileSystem kfs = ks.newKieFileSystem();
    ReleaseId id = ks.newReleaseId("io.rapport", "wall-" + UUID.randomUUID(), "1.0.0");
    kfs.generateAndWritePomXML(id);
    files.forEach((path, text) -> kfs.write("src/main/resources/" + path, text));
    KieBuilder builder = ks.newKieBuilder(kfs).buildAll();
    assertThat(builder.getResults().getMessages(Message.Level.ERROR)).isEmpty();
    try {
      return ks.newKieContainer(id).getKieBase();
    } finally {
      ks.getRepository().removeKieModule(id);
    }
  }
}
