package io.rapport.engine.rulebase;

import io.rapport.engine.ingest.ActiveRules;
import io.rapport.engine.store.RuleVersion;
import io.rapport.engine.store.Store;
import io.rapport.rules.DiscountCodes;
import io.rapport.rules.InvalidRulesException;
import io.rapport.rules.RuleBook;
import io.rapport.rules.RuleFiles;
import io.rapport.rules.RuleLimits;
import io.rapport.rules.RuleProblem;
import io.rapport.rules.scenario.InvalidScenarioException;
import io.rapport.rules.scenario.Scenario;
import io.rapport.rules.scenario.ScenarioFiles;
import io.rapport.rules.scenario.ScenarioResult;
import io.rapport.rules.scenario.ScenarioRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versioned rule base: validates a change, runs the scenarios, stores it as a new version
 * and swaps it in between two batches. Changes are serialised; ingestion never waits for them.
 */
public final class RuleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RuleBase.class);
  /** A rule or scenario file name as the API takes it: no folders, .drl or .yaml. */
  public static final Pattern FILE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,99}\\.(drl|yaml)");
  private static final String SCENARIOS = RuleFiles.DEFAULT_FOLDER + "/scenarios/";
  /** The longest a rule change's scenarios may run; the default journey's take well under a second. */
  static final Duration SCENARIO_BUDGET = Duration.ofSeconds(30);

  private final Store store;
  private final ActiveRules active;
  private final RuleLimits limits;
  private final DiscountCodes codes;
  private final java.util.Set<String> transactionalTemplates;
  private final Clock clock;
  private volatile RuleVersion current;
  /** The checksum of a rules directory already refused: not tried (nor logged) again until it changes. */
  private String refusedChecksum;
  /** The checksum of the rules directory at the watcher's last look. */
  private String lastWatched;

  private RuleBase(Store store, ActiveRules active, Clock clock, RuleVersion current, RuleLimits limits,
      DiscountCodes codes, java.util.Set<String> transactionalTemplates) {
    this.transactionalTemplates = transactionalTemplates;
    this.store = store;
    this.active = active;
    this.clock = clock;
    this.current = current;
    this.limits = limits;
    this.codes = codes;
  }

  private static RuleBook compile(Map<String, String> drl, RuleLimits limits, DiscountCodes codes,
      java.util.Set<String> transactionalTemplates) {
    return RuleBook.compile(drl, limits).withCodes(codes).withTransactionalTemplates(transactionalTemplates);
  }

  /** Compiles candidate rules as the live ones are: within the same limits, with the same codes. */
  public RuleBook compile(Map<String, String> drl) {
    return compile(drl, limits, codes, transactionalTemplates);
  }

  /**
   * Loads the rule base in force: the latest stored version, or at first start the defaults (with
   * the rules directory laid over them) stored as version 1. A rules directory that changed since
   * is stored as a new version when its rules compile and its scenarios pass.
   */
  public static RuleBase open(Store store, Path rulesDir, Clock clock) {
    return open(store, rulesDir, clock, RuleLimits.DEFAULTS, DiscountCodes.unpredictable());
  }

  /**
   * The same, every rule book deciding within {@code limits} and making its discount codes with {@code codes} (keyed
   * with the server's secret).
   */
  public static RuleBase open(Store store, Path rulesDir, Clock clock, RuleLimits limits, DiscountCodes codes) {
    return open(store, rulesDir, clock, limits, codes, RuleBook.TRANSACTIONAL_TEMPLATES);
  }

  /** The same, the actions of {@code transactionalTemplates} marked transactional whatever their rule says. */
  public static RuleBase open(Store store, Path rulesDir, Clock clock, RuleLimits limits, DiscountCodes codes,
      java.util.Set<String> transactionalTemplates) {
    Optional<RuleVersion> stored = store.activeRules();
    RuleVersion version = stored.orElse(null);
    RuleBook book;
    if (version == null) {
      Map<String, String> files = initialFiles(rulesDir);
      book = compile(drlOf(files), limits, codes, transactionalTemplates);
      version = store.saveRules(files, checksum(files), clock.instant(), "rapport", "first start");
    } else {
      book = compile(drlOf(version.files()), limits, codes, transactionalTemplates);
    }
    RuleBase base = new RuleBase(store, new ActiveRules(book), clock, version, limits, codes, transactionalTemplates);
    if (stored.isPresent()) {
      base.followReleaseDefaults();
    }
    if (rulesDir != null) {
      base.reloadFrom(rulesDir);
    }
    return base;
  }

  /**
   * Stores this release's default files in place of those still an earlier release's default, unchanged, as a new
   * version: rule bases nobody edited follow the defaults as they improve. Edited files stay as they are; a change
   * the scenarios refuse is not made, and said why.
   */
  private synchronized void followReleaseDefaults() {
    Map<String, String> files = RuleFiles.withReleaseDefaults(current.files());
    if (files.equals(current.files())) {
      return;
    }
    List<String> changed = files.keySet().stream().filter(p -> !files.get(p).equals(current.files().get(p)))
        .map(RuleBase::nameOf).toList();
    try {
      RuleVersion v = activate(files, "rapport", "this release's default " + String.join(", ", changed));
      LOG.info("rules: this release's default {} replaced the earlier one(s) as version {}", changed, v.version());
    } catch (RefusedRules e) {
      LOG.warn("rules: this release's default {} not applied: {} {}", changed, e.getMessage(), e.problems().isEmpty()
          ? e.failedScenarios().stream().map(r -> r.scenario().title() + " " + r.differences()).toList() : e.problems());
    }
  }

  private static Map<String, String> initialFiles(Path rulesDir) {
    Map<String, String> files = new TreeMap<>(rulesDir == null ? RuleFiles.defaults() : RuleFiles.withOverrides(rulesDir));
    files.putAll(rulesDir == null ? RuleFiles.defaultScenarios() : RuleFiles.scenariosWithOverrides(rulesDir));
    return files;
  }

  /** The rule book workers read, swapped by every change. */
  public ActiveRules active() {
    return active;
  }

  public RuleVersion current() {
    return current;
  }

  public List<RuleVersion> versions() {
    return store.ruleVersions();
  }

  /** Compiles the active rule base with {@code file} replaced by {@code text}; changes nothing. */
  public Validation validate(String file, String text) {
    String path = pathOf(file);
    Map<String, String> files = new TreeMap<>(current.files());
    files.put(path, text);
    if (!path.endsWith(".drl")) {
      try {
        ScenarioFiles.parse(file, text);
        return new Validation(true, List.of(), List.of());
      } catch (InvalidScenarioException e) {
        return new Validation(false, List.of(new RuleProblem(file, 0, 0, e.getMessage())), List.of());
      }
    }
    try {
      RuleBook book = compile(drlOf(files));
      return new Validation(true, List.of(), book.warnings());
    } catch (InvalidRulesException e) {
      return new Validation(false, e.problems().stream().map(RuleBase::shorten).toList(), List.of());
    }
  }

  /** Puts a file live as a new version, or refuses it (nothing changes then). */
  public synchronized RuleVersion put(String file, String text, String by) {
    Map<String, String> files = new TreeMap<>(current.files());
    files.put(pathOf(file), text);
    return activate(files, by, "put " + file);
  }

  /** Removes a file (a rule file takes its scenarios with it) as a new version. */
  public synchronized RuleVersion delete(String file, String by) {
    String path = pathOf(file);
    if (!current.files().containsKey(path)) {
      throw new UnknownRuleFile(file);
    }
    Map<String, String> files = new TreeMap<>(current.files());
    files.remove(path);
    if (file.endsWith(".drl")) {
      files.remove(SCENARIOS + file.replace(".drl", ".yaml"));
    }
    return activate(files, by, "delete " + file);
  }

  /** Makes an earlier version's files active again, as a new version. */
  public synchronized RuleVersion rollback(int version, String by) {
    RuleVersion old = store.ruleVersions().stream().filter(v -> v.version() == version).findFirst()
        .orElseThrow(() -> new UnknownRuleFile("version " + version));
    return activate(old.files(), by, "rollback to version " + version);
  }

  /** Loads a rules directory again; stores and activates it when it changed and passes. */
  public synchronized Optional<RuleVersion> reloadFrom(Path dir) {
    Map<String, String> files = initialFiles(dir);
    return reload(dir, files, checksum(files));
  }

  /**
   * What the watcher calls every interval: reloads the directory only once it reads the same as at
   * the last call, so that a file caught while an editor or a copy is still writing it is never tried
   * (an emptied file compiles, and would go live).
   */
  public synchronized Optional<RuleVersion> watch(Path dir) {
    Map<String, String> files = initialFiles(dir);
    String seen = checksum(files);
    boolean settled = seen.equals(lastWatched);
    lastWatched = seen;
    return settled ? reload(dir, files, seen) : Optional.empty();
  }

  private Optional<RuleVersion> reload(Path dir, Map<String, String> files, String checksum) {
    if (checksum.equals(current.checksum()) || checksum.equals(refusedChecksum)) {
      return Optional.empty();
    }
    try {
      return Optional.of(activate(files, "rules.dir", "reloaded from " + dir));
    } catch (RefusedRules e) {
      refusedChecksum = checksum;
      LOG.warn("rules in {} refused: {} {}", dir, e.getMessage(), e.problems().isEmpty() ? e.failedScenarios().stream()
          .map(r -> r.scenario().title() + " " + r.differences()).toList() : e.problems());
      return Optional.empty();
    }
  }

  /** Puts files live as a new version when they compile and every scenario passes; refuses them otherwise. */
  private RuleVersion activate(Map<String, String> files, String by, String note) {
    long start = System.nanoTime();
    RuleBook book;
    try {
      book = compile(drlOf(files));
    } catch (InvalidRulesException e) {
      throw new RefusedRules("the rules do not compile", e.problems().stream().map(RuleBase::shorten).toList(), List.of());
    }
    List<Scenario> scenarios = new ArrayList<>();
    try {
      files.forEach((path, text) -> {
        if (path.startsWith(SCENARIOS)) {
          scenarios.addAll(ScenarioFiles.parse(path.substring(SCENARIOS.length()), text));
        }
      });
    } catch (InvalidScenarioException e) {
      throw new RefusedRules("a scenario file cannot be read", List.of(new RuleProblem("", 0, 0, e.getMessage())), List.of());
    }
    List<ScenarioResult> failed = runWithinBudget(book, scenarios).stream().filter(r -> !r.passed()).toList();
    if (!failed.isEmpty()) {
      throw new RefusedRules(failed.size() + " scenario(s) fail with this change", List.of(), failed);
    }
    RuleVersion version = store.saveRules(files, checksum(files), clock.instant(), by, note);
    active.swap(book); // the next batch of every partition uses it
    current = version;
    LOG.info("rules version {} active ({}, {} rules, {} ms)", version.version(), note, book.ruleNames().size(),
        (System.nanoTime() - start) / 1_000_000);
    return version;
  }

  /**
   * Runs the scenarios on a thread of their own, for at most {@link #SCENARIO_BUDGET}: a change whose scenarios take
   * longer is refused, and the change lock is not held beyond it. Each decision has its own budget, so the thread
   * left behind ends soon after.
   */
  private static List<ScenarioResult> runWithinBudget(RuleBook book, List<Scenario> scenarios) {
    FutureTask<List<ScenarioResult>> run = new FutureTask<>(() -> new ScenarioRunner(book).runAll(scenarios));
    Thread thread = new Thread(run, "rapport-scenarios");
    thread.setDaemon(true);
    thread.start();
    try {
      return run.get(SCENARIO_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      thread.interrupt();
      throw new RefusedRules("the scenarios took longer than " + SCENARIO_BUDGET.toSeconds() + " s to run",
          List.of(new RuleProblem("", 0, 0, "the scenarios took longer than " + SCENARIO_BUDGET.toSeconds() + " s")),
          List.of());
    } catch (ExecutionException e) {
      throw new RefusedRules("the scenarios could not run: " + e.getCause(),
          List.of(new RuleProblem("", 0, 0, String.valueOf(e.getCause()))), List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running the scenarios", e);
    }
  }

  /** The API's short file name to the path in the rule base. */
  public static String pathOf(String file) {
    if (!FILE_NAME.matcher(file).matches()) {
      throw new IllegalArgumentException("'" + file + "' is not a rule file name: lowercase letters, digits, - and _, ending in .drl or .yaml");
    }
    return file.endsWith(".yaml") ? SCENARIOS + file : RuleFiles.DEFAULT_FOLDER + "/" + file;
  }

  /** The path in the rule base to the API's short file name. */
  public static String nameOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static RuleProblem shorten(RuleProblem p) {
    return new RuleProblem(p.file().isEmpty() ? "" : nameOf(p.file()), p.line(), p.column(), p.message());
  }

  static Map<String, String> drlOf(Map<String, String> files) {
    Map<String, String> drl = new TreeMap<>();
    files.forEach((path, text) -> {
      if (path.endsWith(".drl")) {
        drl.put(path, text);
      }
    });
    return drl;
  }

  static String checksum(Map<String, String> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      new TreeMap<>(files).forEach((path, text) -> {
        sha.update(path.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(text.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      });
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
