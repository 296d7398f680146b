package io.rapport.engine.cli;

import io.rapport.engine.report.Reports;
import io.rapport.rules.RuleBook;
import io.rapport.rules.replay.Comparison;
import io.rapport.rules.replay.Simulation;
import io.rapport.rules.Touchpoint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rapport simulate}: the same history under two rule sets, and what differs. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Backtest a rule change: replay a history under candidate rules and under the rules they would replace.")
public final class SimulateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--events", required = true, paramLabel = "FILE", description = "Canonical touchpoints, one per line, in time order.")
  Path events;

  @Option(names = "--rules", required = true, paramLabel = "DIR", description = "The candidate rules directory (laid over the built-in rules).")
  Path rules;

  @Option(names = "--against", paramLabel = "DIR", description = "The rules to compare with (default: the built-in rules).")
  Path against;

  @Option(names = "--until", paramLabel = "INSTANT", description = "Fire timers due up to this time (default: the last touchpoint's time).")
  String until;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RuleBook candidate = ReplayCommand.rules(rules, err);
    RuleBook baseline = ReplayCommand.rules(against, err);
    Instant end = until == null ? null : ReplayCommand.instant(until, err);
    if (candidate == null || baseline == null || (until != null && end == null) || !ReplayCommand.readable(events, err)) {
      return 2;
    }
    Simulation simulation = new Simulation(baseline, candidate);
    AtomicReference<Instant> last = new AtomicReference<>(Instant.EPOCH);
    long start = System.nanoTime();
    try {
      History.read(events, (Touchpoint t) -> {
        simulation.offer(t);
        last.set(t.occurredAt());
      }, err);
      Comparison c = simulation.finish(end == null ? last.get() : end);
      out.println(Reports.toJson(c).encode());
      out.flush();
      err.printf("simulated %d touchpoints in %.1f s%n", c.baseline().touchpoints(), (System.nanoTime() - start) / 1e9);
      return 0;
    } catch (History.BadLine | IllegalArgumentException e) {
      err.println("simulate: " + e.getMessage());
      return 1;
    }
  }
}
