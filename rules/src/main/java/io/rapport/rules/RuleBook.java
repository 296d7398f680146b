package io.rapport.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  /** Longest a compilation may take before the rule files are refused. */
  static final Duration MAX_COMPILE_TIME = Duration.ofSeconds(60);

  /** More firings than this for one touchpoint means rules that never settle. */
  static final int MAX_FIRINGS = 10_000;

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
  private final ThreadLocal<ReusableSession> sessions = ThreadLocal.withInitial(ReusableSession::new);
  private final AtomicInteger sessionsOpened = new AtomicInteger();

  private RuleBook(
      KieBase kieBase, SortedMap<String, String> files, List<RuleProblem> warnings) {
    this.kieBase = kieBase;
    this.files = files;
    this.warnings = List.copyOf(warnings);
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
   * text.
   *
   * @throws InvalidRulesException with file, line and column of every error
   */
  public static RuleBook compile(Map<String, String> drlFiles) {
    List<RuleProblem> refused = RuleSandbox.check(drlFiles);
    if (!refused.isEmpty()) {
      throw new InvalidRulesException(refused);
    }
    // A pathological file must not hold a reload (or start-up) hostage.
    FutureTask<RuleBook> task = new FutureTask<>(() -> build(drlFiles));
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

  private static RuleBook build(Map<String, String> drlFiles) {
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
      return new RuleBook(container.getKieBase(), sorted, warnings);
    } finally {
      ks.getRepository().removeKieModule(releaseId);
    }
  }

  private static String fileOf(String path) {
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
    Recorder recorder = new Recorder(touchpoint, session, ENGINE);
    reusable.target = recorder;
    boolean clean = false;
    try {
      FactHandle c = session.insert(customer);
      FactHandle t = session.insert(touchpoint);
      int fired = session.fireAllRules(MAX_FIRINGS);
      session.delete(t);
      session.delete(c);
      clean = fired < MAX_FIRINGS;
      return clean ? recorder.decision() : Decision.failed("rules did not settle after " + MAX_FIRINGS + " firings");
    } catch (RuntimeException e) {
      return Decision.failed(rootMessage(e));
    } finally {
      reusable.target = null;
      // A session left mid-way is not reused, nor one that has served its share: the next
      // evaluation on this thread gets a fresh one.
      if (!clean || ++reusable.evaluations >= EVALUATIONS_PER_SESSION) {
        session.dispose();
        sessions.remove();
      }
    }
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
    Recorder target;
    int evaluations;

    ReusableSession() {
      sessionsOpened.incrementAndGet();
      if (usesJourney) {
        session.setGlobal(JOURNEY_GLOBAL, this);
      }
      session.addEventListener(this);
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
    public String discountCode(Customer customer, int percent) {
      return target.discountCode(customer, percent);
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
