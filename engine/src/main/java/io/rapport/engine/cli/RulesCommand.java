package io.rapport.engine.cli;

import io.rapport.rules.InvalidRulesException;
import io.rapport.rules.RuleBook;
import io.rapport.rules.RuleFiles;
import io.rapport.rules.scenario.InvalidScenarioException;
import io.rapport.rules.scenario.Scenario;
import io.rapport.rules.scenario.ScenarioFiles;
import io.rapport.rules.scenario.ScenarioResult;
import io.rapport.rules.scenario.ScenarioRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code rapport rules ...}: the marketers' tools, with no server and no Java. */
@Command(name = "rules", description = "Test rule files.", subcommands = {RulesCommand.Test.class})
public final class RulesCommand {

  /** Runs the scenarios against the rules and prints a report; exit code 0 only if all pass. */
  @Command(name = "test", mixinStandardHelpOptions = true,
      description = "Run the scenarios of the default rules, or of DIR's rules laid over them.")
  static final class Test implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "Rules directory: .drl files and .yaml scenarios (also in DIR/scenarios).")
    Path dir;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (dir != null && !Files.isDirectory(dir)) {
        err.println("rules test: " + dir + " is not a directory");
        return 2;
      }
      Map<String, String> drl = dir == null ? RuleFiles.defaults() : RuleFiles.withOverrides(dir);
      Map<String, String> yaml = dir == null ? RuleFiles.defaultScenarios() : RuleFiles.scenariosWithOverrides(dir);
      RuleBook rules;
      try {
        rules = RuleBook.compile(drl);
      } catch (InvalidRulesException e) {
        err.println("The rules do not compile:");
        e.problems().forEach(p -> err.println("  " + p));
        return 1;
      }
      List<Scenario> scenarios = new ArrayList<>();
      try {
        yaml.forEach((file, text) -> scenarios.addAll(ScenarioFiles.parse(shortName(file), text)));
      } catch (InvalidScenarioException e) {
        err.println("A scenario file cannot be read: " + e.getMessage());
        return 1;
      }
      int passed = 0;
      int failed = 0;
      for (ScenarioResult r : new ScenarioRunner(rules).runAll(scenarios)) {
        if (r.passed()) {
          passed++;
          out.println("PASS  " + r.scenario().title());
        } else {
          failed++;
          out.println("FAIL  " + r.scenario().title());
          r.differences().forEach(d -> out.println("        " + d));
        }
      }
      out.println();
      out.println(rules.ruleNames().size() + " rules in " + drl.size() + " files; " + scenarios.size() + " scenarios");
      out.println(passed + " passed, " + failed + " failed");
      out.flush();
      return failed == 0 && !scenarios.isEmpty() ? 0 : 1;
    }

    private static String shortName(String path) {
      return path.substring(path.lastIndexOf('/') + 1);
    }
  }
}
