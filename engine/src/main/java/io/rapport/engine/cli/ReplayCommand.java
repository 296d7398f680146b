package io.rapport.engine.cli;

import io.rapport.engine.report.Reports;
import io.rapport.rules.InvalidRulesException;
import io.rapport.rules.RuleBook;
import io.rapport.rules.RuleFiles;
import io.rapport.rules.replay.Replay;
import io.rapport.rules.replay.ReplayReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rapport replay}: decides a history in memory and prints one JSON report. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Replay a history of touchpoints (NDJSON, in time order) through the rules, in memory, sending nothing.")
public final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--events", required = true, paramLabel = "FILE", description = "Canonical touchpoints, one per line, in time order.")
  Path events;

  @Option(names = "--until", required = true, paramLabel = "INSTANT", description = "Fire every timer due up to this time (ISO-8601), then report.")
  String until;

  @Option(names = "--rules", paramLabel = "DIR", description = "Rules directory laid over the built-in rules.")
  Path rules;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Instant end = instant(until, err);
    RuleBook book = rules(rules, err);
    if (end == null || book == null || !readable(events, err)) {
      return 2;
    }
    Replay replay = new Replay(book, false);
    long start = System.nanoTime();
    try {
      History.read(events, replay::offer, err);
      ReplayReport report = replay.finish(end);
      double seconds = (System.nanoTime() - start) / 1e9;
      out.println(Reports.toJson(report).encode());
      out.flush();
      err.printf("replayed %d touchpoints in %.1f s (%.0f per second)%n", report.touchpoints(), seconds, report.touchpoints() / seconds);
      return 0;
    } catch (History.BadLine | IllegalArgumentException e) {
      err.println("replay: " + e.getMessage());
      return 1;
    }
  }

  static Instant instant(String text, PrintWriter err) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (RuntimeException e) {
      err.println("'" + text + "' is not an ISO-8601 time with offset, such as 1998-07-01T00:00:00Z");
      return null;
    }
  }

  static RuleBook rules(Path dir, PrintWriter err) {
    if (dir != null && !Files.isDirectory(dir)) {
      err.println(dir + " is not a directory");
      return null;
    }
    try {
      return RuleBook.compile(dir == null ? RuleFiles.defaults() : RuleFiles.withOverrides(dir));
    } catch (InvalidRulesException e) {
      err.println("the rules in " + dir + " do not compile:");
      e.problems().forEach(p -> err.println("  " + p));
      return null;
    }
  }

  static boolean readable(Path file, PrintWriter err) {
    if (!Files.isReadable(file)) {
      err.println("cannot read " + file);
      return false;
    }
    return true;
  }
}
