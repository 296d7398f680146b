package io.rapport.engine.ingest;

import io.rapport.engine.metrics.JourneyMetrics;
import io.rapport.engine.outbox.ActionHandOff;
import io.rapport.engine.store.OutboxAction;
import io.rapport.engine.store.Decided;
import io.rapport.engine.store.Store;
import io.rapport.engine.store.StoreException;
import io.rapport.engine.store.TouchpointAlreadyStored;
import io.rapport.engine.store.WriteBatch;
import io.rapport.rules.Customer;
import io.rapport.rules.Decision;
import io.rapport.rules.RuleBook;
import io.rapport.rules.Touchpoint;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the touchpoints of one partition's customers, one at a time in arrival order, and
 * writes what queued up during the previous write in one transaction (group commit).
 */
final class PartitionWorker {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);

  /**
   * A touchpoint waiting for its partition, with the request it belongs to; {@code again} when it is stored already,
   * as a rule error, and is to be decided anew; {@code backfill} when it is history being imported, whose actions are
   * recorded and never sent.
   */
  record Pending(Touchpoint touchpoint, Ticket ticket, long arrivedNanos, boolean again, boolean backfill) {
    Pending(Touchpoint touchpoint, Ticket ticket, long arrivedNanos) {
      this(touchpoint, ticket, arrivedNanos, false, false);
    }
  }

  private final int index;
  private final Store store;
  private final ActiveRules rules;
  private final CustomerCache cache;
  private final JourneyMetrics metrics;
  private final int maxBatch;
  private final ActionHandOff afterActions;
  private final Clock clock;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  /** Work to run on this partition's thread between two batches (an erasure), in the order it came. */
  private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> between =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private volatile Thread thread;
  private volatile boolean running = true;
  /** When the batch under way began, in System.nanoTime(); 0 while idle. */
  private volatile long busySince;
  /** When the batch under way last made progress (a decision, a store call), in System.nanoTime(). */
  private volatile long progressAt;

  PartitionWorker(
      int index,
      Store store,
      ActiveRules rules,
      int cacheCapacity,
      JourneyMetrics metrics,
      int maxBatch,
      ActionHandOff afterActions,
      Clock clock) {
    this.index = index;
    this.store = store;
    this.rules = rules;
    this.cache = new CustomerCache(cacheCapacity);
    this.metrics = metrics;
    this.maxBatch = maxBatch;
    this.afterActions = afterActions;
    this.clock = clock;
    this.thread = newThread();
  }

  private Thread newThread() {
    return new Thread(this::run, "rapport-partition-" + index);
  }

  void start() {
    thread.start();
  }

  /** Whether the thread is gone while the partition should run: then its queue would never drain. */
  boolean dead() {
    return running && !thread.isAlive();
  }

  /** Starts a new thread for a partition whose thread died; the queue it left is taken up where it stopped. */
  synchronized void restart() {
    if (dead()) {
      thread = newThread();
      thread.start();
    }
  }

  /** How long the batch under way has gone without progress; zero while idle. */
  long stalledNanos(long now) {
    return busySince == 0 ? 0 : now - progressAt;
  }

  /** Notes that the batch under way moves on: a decision made, a store call returned. */
  private void progressed() {
    progressAt = System.nanoTime();
  }

  void submit(Pending pending) {
    queue.add(pending);
  }

  /** Runs {@code work} on this partition's thread between two batches, where no decision of its customers is open. */
  void between(Runnable work) {
    between.add(work);
  }

  /**
   * Erases a customer of this partition: from the store in one transaction, and from the cache, so that no copy of
   * it is written back. Only the partition's thread calls it (see {@link #between}).
   */
  io.rapport.engine.store.Erasure erase(String customerId, Instant at) {
    cache.forget(customerId);
    return store.erase(customerId, at);
  }

  /** Stops after deciding everything already queued. */
  void stop() throws InterruptedException {
    running = false;
    thread.join(30_000);
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (running || !queue.isEmpty()) {
      try {
        for (Runnable work = between.poll(); work != null; work = between.poll()) {
          work.run(); // it answers its caller itself, failure included
        }
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        busySince = System.nanoTime();
        progressed();
        process(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
        // a bug (process answers every request itself), or the JVM short of memory: the partition goes on
        LOG.error("partition {} failed a batch of {}", index, batch.size(), e);
      } finally {
        busySince = 0;
        batch.clear();
      }
    }
  }

  /** What one batch came to: its decisions, which of its touchpoints were duplicates, its claimed actions. */
  private record Written(List<Decided> decided, boolean[] duplicate, List<OutboxAction> claimed, Instant claimUntil) {}

  private void process(List<Pending> batch) {
    Written written;
    try {
      try {
        // the store refuses a stored id itself: looking ids up first would be a round trip wasted on most batches
        written = decideAndWrite(batch, false);
      } catch (TouchpointAlreadyStored e) {
        written = decideAndWrite(batch, true);
      }
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError thrown) {
      // the JVM survives these two, and so must the requests waiting for this batch: they fail, the partition goes on
      RuntimeException e = thrown instanceof RuntimeException r ? r : new IllegalStateException(thrown);
      if (e instanceof StoreException s && !s.retriable() && batch.size() > 1) {
        // Something in the batch is data the store refuses: halve it until that touchpoint is alone, so that it
        // fails its own request and its neighbours commit.
        int half = batch.size() / 2;
        process(new ArrayList<>(batch.subList(0, half)));
        process(new ArrayList<>(batch.subList(half, batch.size())));
        return;
      }
      if (batch.size() == 1) {
        Touchpoint t = batch.get(0).touchpoint();
        LOG.warn("partition {} could not commit touchpoint {} ({}) of customer {}", index, t.id(), t.type(),
            t.customerId(), e);
      } else {
        LOG.warn("partition {} could not commit {} touchpoints", index, batch.size(), e);
      }
      Map<Ticket, Integer> failed = new IdentityHashMap<>();
      batch.forEach(p -> failed.merge(p.ticket(), 1, Integer::sum));
      failed.forEach((ticket, n) -> ticket.settle(0, 0, n, e));
      return;
    }
    // Committed. From here on nothing may keep a request from being answered: an unsettled ticket would hold its
    // in-flight permits for good, and enough of them would turn every later request into a 503.
    Map<Ticket, int[]> counts = new IdentityHashMap<>(); // accepted, duplicates
    for (int i = 0; i < batch.size(); i++) {
      counts.computeIfAbsent(batch.get(i).ticket(), k -> new int[2])[written.duplicate()[i] ? 1 : 0]++;
    }
    boolean anyAction = false;
    try {
      anyAction = count(batch, written);
    } catch (RuntimeException e) {
      LOG.warn("partition {} could not count a committed batch in the metrics", index, e);
    }
    counts.forEach((ticket, c) -> ticket.settle(c[0], c[1], 0, null));
    if (anyAction) {
      try {
        afterActions.handOver(written.claimed(), written.claimUntil());
      } catch (RuntimeException e) {
        // the actions stay claimed until their lease ends, then the relay's poll takes them
        LOG.warn("partition {} could not hand its actions to the relay", index, e);
      }
    }
  }

  /** Counts a committed batch in the metrics; true when its decisions asked for any action. */
  private boolean count(List<Pending> batch, Written written) {
    long now = System.nanoTime();
    boolean anyAction = false;
    for (Pending p : batch) {
      metrics.ingestLag(now - p.arrivedNanos());
    }
    for (Decided d : written.decided()) {
      metrics.touchpoint(d.touchpoint(), d.outcome());
      metrics.decided(d.decision());
      if (d.backfill()) {
        d.decision().actions().forEach(a -> metrics.suppressed(Decided.BACKFILL));
      }
      anyAction |= !d.decision().actions().isEmpty();
    }
    for (int i = 0; i < batch.size(); i++) {
      if (written.duplicate()[i]) {
        metrics.touchpoint(batch.get(i).touchpoint(), "duplicate");
      }
    }
    return anyAction;
  }

  /**
   * Decides the batch on copies of its customers and writes it; the cache takes the customers
   * only once they are stored. Without {@code lookUp}, a stored id is left for the store to refuse.
   */
  private Written decideAndWrite(List<Pending> batch, boolean lookUp) {
    RuleBook ruleBook = rules.get(); // one rule book for the whole batch
    Set<String> customerIds = new HashSet<>();
    for (Pending p : batch) {
      customerIds.add(p.touchpoint().customerId());
    }
    Map<String, Customer> working = new LinkedHashMap<>();
    Map<String, Customer> stored = new HashMap<>(); // as they were before this batch
    try {
      Set<String> known = lookUp ? store.knownTouchpoints(batch.stream().filter(p -> !p.again())
          .map(p -> p.touchpoint().id()).toList()) : Set.of();
      // a touchpoint to decide again that is no rule error any more (decided again already) is skipped
      List<String> again = batch.stream().filter(Pending::again).map(p -> p.touchpoint().id()).toList();
      Map<String, String> outcomes = again.isEmpty() ? Map.of() : store.outcomes(again);
      progressed();
      List<String> toLoad = new ArrayList<>();
      for (String id : customerIds) {
        Customer cached = cache.get(id);
        if (cached != null) {
          stored.put(id, cached);
          working.put(id, cached.copy());
        } else {
          toLoad.add(id);
        }
      }
      Map<String, Customer> loaded = store.customers(toLoad);
      progressed();
      // a customer the store does not hold may have been erased: their events up to then are not decided again
      List<String> unknown = toLoad.stream().filter(id -> !loaded.containsKey(id)).toList();
      Map<String, Instant> erased = unknown.isEmpty() ? Map.of() : store.erasedAt(unknown);
      loaded.forEach((id, c) -> {
        stored.put(id, c);
        working.put(id, c.copy());
      });
      List<Decided> decided = new ArrayList<>(batch.size());
      boolean[] duplicate = new boolean[batch.size()];
      Set<String> seen = new HashSet<>();
      List<Touchpoint> repeatedTimers = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        Touchpoint t = p.touchpoint();
        boolean stale = p.again() && !Decided.RULE_ERROR.equals(outcomes.get(t.id()));
        Instant erasedAt = erased.get(t.customerId());
        boolean beforeErasure = erasedAt != null && !t.occurredAt().isAfter(erasedAt);
        if (known.contains(t.id()) || !seen.add(t.id()) || stale || beforeErasure) {
          duplicate[i] = true;
          if (Touchpoint.TIMER.equals(t.type()) && !p.again()) {
            repeatedTimers.add(t);
          }
          continue;
        }
        Customer customer = working.computeIfAbsent(t.customerId(), Customer::new);
        Customer before = customer.copy();
        long start = System.nanoTime();
        Decision d = ruleBook.decide(customer, t);
        progressed();
        metrics.decisionTimer().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        if (d.failedToDecide()) {
          // all or nothing: the customer stays as it was before this touchpoint
          customer.takeStateOf(before);
          LOG.warn("rules failed on touchpoint {} of customer {}: {}", t.id(), t.customerId(), d.error());
        }
        decided.add(new Decided(t, d, p.again(), p.backfill()));
      }
      Map<String, Customer> changed = new LinkedHashMap<>();
      for (Decided d : decided) {
        String id = d.touchpoint().customerId();
        changed.putIfAbsent(id, working.get(id));
      }
      // A customer whose touchpoints changed nothing (a late touchpoint, older than the last
      // activity; a timer no rule acted on) keeps its stored row and version.
      List<Customer> toWrite = new ArrayList<>(changed.size());
      for (Customer c : changed.values()) {
        Customer before = stored.getOrDefault(c.getId(), null);
        // a customer no touchpoint changed is not written; a new one whose only touchpoints failed is not made
        Customer compared = before != null ? before : new Customer(c.getId());
        if (!c.unchangedSince(compared)) {
          toWrite.add(c);
        }
      }
      Instant now = clock.instant();
      Instant claimUntil = afterActions.claimUntil(now);
      WriteBatch write = new WriteBatch(decided, toWrite, now, repeatedTimers, claimUntil);
      List<OutboxAction> claimed = List.of();
      if (!write.isEmpty()) {
        long writeStart = System.nanoTime();
        claimed = store.write(write);
        progressed();
        metrics.groupCommit(decided.size(), System.nanoTime() - writeStart);
      }
      for (Customer c : toWrite) {
        c.advanceVersion(); // now equal to the stored version
      }
      changed.values().forEach(cache::put);
      return new Written(decided, duplicate, claimed, claimUntil);
    } catch (TouchpointAlreadyStored e) {
      throw e; // nothing was stored and the cache holds stored versions only
    } catch (RuntimeException e) {
      working.keySet().forEach(cache::forget);
      throw e;
    }
  }

  int queued() {
    return queue.size();
  }
}
