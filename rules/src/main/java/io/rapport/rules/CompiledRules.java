package io.rapport.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.drools.base.definitions.InternalKnowledgePackage;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.base.rule.DialectRuntimeData;
import org.drools.core.rule.JavaDialectRuntimeData;
import org.kie.api.KieBase;
import org.kie.api.definition.KiePackage;

/**
 * Finds the classes the Java compiler made of a rule base's consequences (kept by Drools' Java
 * dialect, per package) and has {@link CompiledRuleCheck} read each one, before any runs.
 */
final class CompiledRules {
  private CompiledRules() {}

  /** Problems found in the compiled classes, at the rule they belong to. */
  static List<RuleProblem> check(KieBase kieBase, Map<String, String> files) {
    CompiledRuleCheck check = new CompiledRuleCheck();
    List<RuleProblem> problems = new ArrayList<>();
    Map<String, byte[]> classes = classes(kieBase);
    for (Map.Entry<String, byte[]> c : classes.entrySet()) {
      List<String> found = check.check(c.getKey(), c.getValue(), classes.keySet());
      if (!found.isEmpty()) {
        RuleImpl rule = ruleOf(c.getKey(), kieBase);
        for (String message : found) {
          problems.add(where(rule, files, message));
        }
      }
    }
    return problems;
  }

  /** Every compiled class of the rule base, by internal name (rapport/journey/Rule_...). */
  static Map<String, byte[]> classes(KieBase kieBase) {
    Map<String, byte[]> classes = new TreeMap<>();
    for (KiePackage p : kieBase.getKiePackages()) {
      DialectRuntimeData data = ((InternalKnowledgePackage) p).getDialectRuntimeRegistry().getDialectData("java");
      if (data instanceof JavaDialectRuntimeData java) {
        java.getStore().forEach((name, bytes) -> {
          if (name.endsWith(".class") && bytes != null) {
            classes.put(name.substring(0, name.length() - ".class".length()), bytes);
          }
        });
      }
    }
    return classes;
  }

  /**
   * The rule a class was made for. Drools names it Rule_ and the rule's name made a legal Java
   * name (a space becomes '_', another character $u<code>$), then a hash; the longest such prefix
   * wins.
   */
  private static RuleImpl ruleOf(String className, KieBase kieBase) {
    String simple = className.substring(className.lastIndexOf('/') + 1);
    return kieBase.getKiePackages().stream()
        .flatMap(p -> p.getRules().stream())
        .filter(r -> simple.startsWith("Rule_" + legal(r.getName())))
        .max(Comparator.comparingInt(r -> r.getName().length()))
        .map(RuleImpl.class::cast)
        .orElse(null);
  }

  private static String legal(String name) {
    StringBuilder b = new StringBuilder();
    for (char c : name.toCharArray()) {
      if (c == ' ') {
        b.append('_');
      } else if (Character.isJavaIdentifierPart(c) && c != '$') {
        b.append(c);
      } else {
        b.append("$u").append((int) c).append('$');
      }
    }
    return b.toString();
  }

  private static RuleProblem where(RuleImpl rule, Map<String, String> files, String message) {
    if (rule == null) {
      return new RuleProblem("", 0, 0, message);
    }
    String file = rule.getResource() == null ? "" : RuleBook.fileOf(rule.getResource().getSourcePath());
    String text = files.get(file);
    String said = "rule \"" + rule.getName() + "\": " + message;
    if (text == null) {
      return new RuleProblem(file, 1, 1, said);
    }
    int at = Math.max(0, text.indexOf("rule \"" + rule.getName() + "\""));
    return new FilePositions(text).problem(file, at, said);
  }
}
