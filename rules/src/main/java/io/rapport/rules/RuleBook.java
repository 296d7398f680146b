package io.rapport.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.kie.api.runtime.KieContainer;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import java.time.Instant;

/**
 * A compiled set of journey rules: compile DRL files once, then decide touchpoints with them.
 *
 * <p>Immutable and safe to share between threads: every evaluation runs in a fresh session.
 */
public final class RuleBook {
  /** The global through which consequences act. */
  public static final String JOURNEY_GLOBAL = "journey";

  /** The name recorded for what the engine itself decides, outside any rule. */
  public static final String ENGINE = "(engine)";

  /** The templates whose actions are transactional by default: escalations to support and receipts. */
  public static final Set<String> TRANSACTIONAL_TEMPLATES = Set.of("escalation", "receipt");

  /** Longest a compilation may take before the rule files are refused. */
  static final Duration MAX_COMPILE_TIME = Duration.ofSeconds(60);

  /**
   * Evaluations before a thread's session is replaced by a fresh one. Drools 10.2 keeps a match
   * behind in a reused session now and then (about one per eight touchpoints with the default
   * rules, those that move a stage): a session that lived forever would fill the heap.
   */
  static final int EVALUATIONS_PER_SESSION = 10_000;

  private final KieBase kieBase;
  private final SortedMap<String, String> files;
  private final List<String> ruleNames;
  private final boolean usesJourney;
  private final List<RuleProblem> warnings;
  private final RuleLimits limits;
  private final DiscountCodes codes;
  private final Set<String> transactionalTemplates;
  private final ThreadLocal<ReusableSession> sessions = ThreadLocal.withInitial(ReusableSession::new);
  private final AtomicInteger sessionsOpened = new AtomicInteger();

  private RuleBook(KieBase kieBase, SortedMap<String, String> files, List<RuleProblem> warnings, RuleLimits limits,
      DiscountCodes codes, Set<String> transactionalTemplates) {
    this.transactionalTemplates = Set.copyOf(transactionalTemplates);
    this.kieBase = kieBase;
    this.files = files;
    this.warnings = List.copyOf(warnings);
    this.limits = limits;
    this.codes = codes;
    List<String> names = new ArrayList<>();
    boolean journey = false;
    for (KiePackage p : kieBase.getKiePackages()) {
      for (Rule r : p.getRules()) {
        names.add(r.getName());
      }
      journey |= p.getGlobalVariables().stream().anyMatch(g -> g.getName().equals(JOURNEY_GLOBAL));
    }
    names.sort(String::compareTo);
    this.ruleNames = List.copyOf(names);
    this.usesJourney = journey;
  }

  /** The rule files packaged with Rapport. */
  public static RuleBook defaults() {
    return compile(RuleFiles.defaults());
  }

  /**
   * Compiles DRL files, given as path (for example {@code rapport/journey/lifecycle.drl}) to
   * text, with the default {@link RuleLimits}.
   *
   * @throws InvalidRulesException with file, line and column of every error
   */
  public static RuleBook compile(Map<String, String> drlFiles) {
    return compile(drlFiles, RuleLimits.DEFAULTS);
  }

  /**
   * Compiles DRL files that decide within {@code limits}: a decision past them fails.
   *
   * @throws InvalidRulesException with file, line and column of every error
   */
  public static RuleBook compile(Map<String, String> drlFiles, RuleLimits limits) {
    Objects.requireNonNull(limits, "limits");
    List<RuleProblem> refused = RuleSandbox.check(drlFiles);
    if (!refused.isEmpty()) {
      throw new InvalidRulesException(refused);
    }
    // A pathological file must not hold a reload (or start-up) hostage.
    FutureTask<RuleBook> task = new FutureTask<>(() -> build(drlFiles, limits));
    Thread compiler = new Thread(task, "rapport-rule-compiler");
    compiler.setDaemon(true);
    compiler.start();
    try {
      return task.get(MAX_COMPILE_TIME.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      compiler.interrupt();
      throw new InvalidRulesException(List.of(new RuleProblem("", 0, 0,
          "the rules took longer than " + MAX_COMPILE_TIME.toSeconds() + " s to compile")));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while compiling rules", e);
    }
  }

  /** The same rules deciding within other limits; sessions are not shared with this one. */
  public RuleBook withLimits(RuleLimits newLimits) {
    return new RuleBook(kieBase, files, warnings, Objects.requireNonNull(newLimits, "limits"), codes,
        transactionalTemplates);
  }

  /**
   * The same rules making their discount codes with {@code newCodes} (the server's, unpredictable); a rule book
   * compiled without draws them from a seed, the same on every run.
   */
  public RuleBook withCodes(DiscountCodes newCodes) {
    return new RuleBook(kieBase, files, warnings, limits, Objects.requireNonNull(newCodes, "codes"),
        transactionalTemplates);
  }

  /**
   * The same rules, marking the actions of these templates transactional (exempt from opt-outs, the frequency cap
   * and quiet hours) whatever the rule says; {@link #TRANSACTIONAL_TEMPLATES} unless told otherwise.
   */
  public RuleBook withTransactionalTemplates(Set<String> templates) {
    return new RuleBook(kieBase, files, warnings, limits, codes, templates);
  }

  public RuleLimits limits() {
    return limits;
  }

  private static RuleBook build(Map<String, String> drlFiles, RuleLimits limits) {
    KieServices ks = KieServices.Factory.get();
    KieFileSystem kfs = ks.newKieFileSystem();
    // A release id per compilation: KieServices keeps modules in a process-wide repository.
    ReleaseId releaseId = ks.newReleaseId("io.rapport", "rulebook-" + UUID.randomUUID(), "1.0.0");
    kfs.generateAndWritePomXML(releaseId);
    SortedMap<String, String> sorted = new TreeMap<>(drlFiles);
    sorted.forEach((path, text) -> kfs.write("src/main/resources/" + path, text));
    KieBuilder builder = ks.newKieBuilder(kfs).buildAll();
    List<RuleProblem> errors = new ArrayList<>();
    List<RuleProblem> warnings = new ArrayList<>();
    for (Message m : builder.getResults().getMessages()) {
      RuleProblem p = new RuleProblem(fileOf(m.getPath()), m.getLine(), m.getColumn(), m.getText());
      (m.getLevel() == Message.Level.ERROR ? errors : warnings).add(p);
    }
    if (!errors.isEmpty()) {
      ks.getRepository().removeKieModule(releaseId);
      throw new InvalidRulesException(errors);
    }
    try {
      KieContainer container = ks.newKieContainer(releaseId);
      KieBase kieBase = container.getKieBase();
      // The second wall: what the compiler made of the consequences, before any of it runs.
      List<RuleProblem> compiled = CompiledRules.check(kieBase, sorted);
      if (!compiled.isEmpty()) {
        throw new InvalidRulesException(compiled);
      }
      // codes from a seed: replays, simulations and scenarios store and send none; the server gives its own
      return new RuleBook(kieBase, sorted, warnings, limits, DiscountCodes.seeded(0), TRANSACTIONAL_TEMPLATES);
    } finally {
      ks.getRepository().removeKieModule(releaseId);
    }
  }

  static String fileOf(String path) {
    if (path == null) {
      return "";
    }
    return path.startsWith("src/main/resources/") ? path.substring(19) : path;
  }

  /**
   * Decides one touchpoint for one customer: counts it into the aggregates, then runs the rules. The customer is
   * changed in place.
   */
  public Decision decide(Customer customer, Touchpoint touchpoint) {
    customer.absorb(touchpoint);
    return evaluate(customer, touchpoint);
  }

  /** Runs the rules only; {@link #decide} is what the engine and replays call. */
  Decision evaluate(Customer customer, Touchpoint touchpoint) {
    ReusableSession reusable = sessions.get();
    KieSession session = reusable.session;
    Recorder recorder = new Recorder(touchpoint, session, ENGINE, codes, transactionalTemplates);
    reusable.target = recorder;
    boolean clean = false;
    try {
      FactHandle c = session.insert(customer);
      FactHandle t = session.insert(touchpoint);
      reusable.budget.start();
      int fired = session.fireAllRules(limits.maxFirings());
      String exceededBy = reusable.budget.exceededBy();
      if (exceededBy != null) {
        return Decision.failed("rule \"" + exceededBy + "\" exceeded the decision budget of "
            + limits.decisionBudget().toMillis() + " ms: rules that keep firing each other never settle");
      }
      if (fired >= limits.maxFirings()) {
        return Decision.failed("rule \"" + recorder.currentRule() + "\" exceeded the budget of " + limits.maxFirings()
            + " firings: rules that keep firing each other never settle");
      }
      session.delete(t);
      session.delete(c);
      clean = true;
      return recorder.decision();
    } catch (Throwable e) {
      if (fatal(e)) {
        throw (Error) e;
      }
      return Decision.failed(failure(recorder.currentRule(), e));
    } finally {
      reusable.target = null;
      // A session left mid-way (failed, halted, over a budget) is not reused, nor one that has
      // served its share: the next evaluation on this thread gets a fresh one.
      if (!clean || ++reusable.evaluations >= EVALUATIONS_PER_SESSION) {
        sessions.remove();
        try {
          session.dispose();
        } catch (RuntimeException | OutOfMemoryError e) {
          // a session that cannot even be disposed is left to the garbage collector
        }
      }
    }
  }

  /**
   * Errors that leave the JVM itself unsound. An OutOfMemoryError from one huge allocation in a
   * rule is not one: the allocation never happened, and the decision fails like any other.
   */
  private static boolean fatal(Throwable e) {
    return (e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError) && !(e instanceof StackOverflowError))
        || e.getClass().getName().equals("java.lang.ThreadDeath");
  }

  private static String failure(String rule, Throwable e) {
    String root = rootMessage(e);
    if (ENGINE.equals(rule) || root.contains(rule)) {
      return root;
    }
    return "rule \"" + rule + "\" failed: " + root;
  }

  /** Sessions this rule book has opened so far, on all threads. */
  int sessionsOpened() {
    return sessionsOpened.get();
  }

  /**
   * One session per thread, reused: facts are deleted after each evaluation, which leaves the
   * session empty again at a fraction of the cost of a new one. The journey global and the
   * agenda listener forward to the recorder of the evaluation under way.
   */
  private final class ReusableSession extends DefaultAgendaEventListener implements Journey {
    final KieSession session = kieBase.newKieSession();
    final DecisionBudget budget = new DecisionBudget(session, limits.decisionBudget());
    Recorder target;
    int evaluations;

    ReusableSession() {
      sessionsOpened.incrementAndGet();
      if (usesJourney) {
        session.setGlobal(JOURNEY_GLOBAL, this);
      }
      session.addEventListener(this);
      session.addEventListener(budget);
    }

    @Override
    public void beforeMatchFired(BeforeMatchFiredEvent event) {
      target.beforeMatchFired(event);
    }

    @Override
    public void moveTo(Customer customer, String stage, String reason) {
      target.moveTo(customer, stage, reason);
    }

    @Override
    public void send(Customer customer, String channel, String template, Map<String, ?> params) {
      target.send(customer, channel, template, params);
    }

    @Override
    public void after(Customer customer, Duration delay, String name, Map<String, ?> payload) {
      target.after(customer, delay, name, payload);
    }

    @Override
    public void at(Customer customer, Instant when, String name) {
      target.at(customer, when, name);
    }

    @Override
    public void cancel(Customer customer, String name) {
      target.cancel(customer, name);
    }

    @Override
    public void set(Customer customer, String attribute, Object value) {
      target.set(customer, attribute, value);
    }

    @Override
    public String discountCode(Customer customer, int percent, int validDays) {
      return target.discountCode(customer, percent, validDays);
    }

    @Override
    public Map<String, Object> with(Object... keysAndValues) {
      return target.with(keysAndValues);
    }

    @Override
    public Instant now() {
      return target.now();
    }

    @Override
    public long daysSince(Instant then) {
      return target.daysSince(then);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** The files this rule book was compiled from, by path. */
  public SortedMap<String, String> files() {
    return files;
  }

  /** The names of every rule, sorted. */
  public List<String> ruleNames() {
    return ruleNames;
  }

  public List<RuleProblem> warnings() {
    return warnings;
  }
}
