package io.rapport.engine.ingest;

import io.rapport.engine.metrics.JourneyMetrics;
import io.rapport.engine.outbox.ActionHandOff;
import io.rapport.engine.store.OutboxAction;
import io.rapport.engine.store.Decided;
import io.rapport.engine.store.Store;
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

  /** A touchpoint waiting for its partition, with the request it belongs to. */
  record Pending(Touchpoint touchpoint, Ticket ticket, long arrivedNanos) {}

  private final int index;
  private final Store store;
  private final ActiveRules rules;
  private final CustomerCache cache;
  private final JourneyMetrics metrics;
  private final int maxBatch;
  private final ActionHandOff afterActions;
  private final Clock clock;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

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
    this.thread = new Thread(this::run, "rapport-partition-" + index);
  }

  void start() {
    thread.start();
  }

  void submit(Pending pending) {
    queue.add(pending);
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
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        process(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("partition {} failed a batch of {}", index, batch.size(), e); // a bug: process settles its own
      } finally {
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
    } catch (RuntimeException e) {
      LOG.warn("partition {} could not commit {} touchpoints", index, batch.size(), e);
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
      Set<String> known = lookUp ? store.knownTouchpoints(batch.stream().map(p -> p.touchpoint().id()).toList()) : Set.of();
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
      store.customers(toLoad).forEach((id, c) -> {
        stored.put(id, c);
        working.put(id, c.copy());
      });
      List<Decided> decided = new ArrayList<>(batch.size());
      boolean[] duplicate = new boolean[batch.size()];
      Set<String> seen = new HashSet<>();
      List<Touchpoint> repeatedTimers = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        Touchpoint t = batch.get(i).touchpoint();
        if (known.contains(t.id()) || !seen.add(t.id())) {
          duplicate[i] = true;
          if (Touchpoint.TIMER.equals(t.type())) {
            repeatedTimers.add(t);
          }
          continue;
        }
        Customer customer = working.computeIfAbsent(t.customerId(), Customer::new);
        long start = System.nanoTime();
        Decision d = ruleBook.decide(customer, t);
        metrics.decisionTimer().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        if (d.failedToDecide()) {
          LOG.warn("rules failed on touchpoint {} of customer {}: {}", t.id(), t.customerId(), d.error());
        }
        decided.add(new Decided(t, d));
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
        Customer before = stored.get(c.getId());
        if (before == null || !c.unchangedSince(before)) {
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
