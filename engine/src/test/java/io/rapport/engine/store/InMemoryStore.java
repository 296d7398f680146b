package io.rapport.engine.store;

import io.rapport.rules.ActionRequest;
import io.rapport.rules.Customer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/** A store in memory, for fast tests of the parts above the store. Records every write. */
public final class InMemoryStore implements Store {
  public final Map<String, Decided> touchpoints = new LinkedHashMap<>();
  public final Map<String, Customer> customers = new HashMap<>();
  public final List<WriteBatch> writes = new ArrayList<>();
  public final List<ActionRequest> actions = new ArrayList<>();
  /** When set, writes wait for it: lets a test queue touchpoints behind a slow commit. */
  public volatile CountDownLatch writeGate;
  public volatile RuntimeException failNextWrite;
  /** A touchpoint id the store refuses, as a database refuses a value it cannot hold: every write holding it fails. */
  public volatile String refused;
  /** When set, the census of the customers' slice that begins at this page fails, once. */
  public volatile Long failCensusAtPage;
  /** The census slices counted, in order. */
  public final List<CensusSlice> counted = java.util.Collections.synchronizedList(new ArrayList<>());
  /** Writes waiting at the gate right now. */
  public final java.util.concurrent.atomic.AtomicInteger writesWaiting = new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public synchronized Set<String> knownTouchpoints(Collection<String> ids) {
    return ids.stream().filter(touchpoints::containsKey).collect(Collectors.toSet());
  }

  @Override
  public synchronized Map<String, String> outcomes(Collection<String> ids) {
    Map<String, String> found = new HashMap<>();
    ids.stream().filter(touchpoints::containsKey).forEach(id -> found.put(id, touchpoints.get(id).outcome()));
    return found;
  }

  @Override
  public synchronized List<StoredTouchpoint> storedTouchpoints(Collection<String> ids) {
    return ids.stream().filter(touchpoints::containsKey).map(id -> stored(touchpoints.get(id))).toList();
  }

  @Override
  public synchronized List<StoredTouchpoint> touchpointsWithOutcome(String outcome, String afterId, int limit) {
    return touchpoints.values().stream().filter(d -> d.outcome().equals(outcome))
        .filter(d -> afterId == null || d.touchpoint().id().compareTo(afterId) > 0)
        .sorted(java.util.Comparator.comparing(d -> d.touchpoint().id())).limit(limit).map(InMemoryStore::stored).toList();
  }

  private static StoredTouchpoint stored(Decided d) {
    return new StoredTouchpoint(d.touchpoint(), d.outcome(), d.error(), Instant.EPOCH);
  }

  @Override
  public synchronized Map<String, Customer> customers(Collection<String> ids) {
    Map<String, Customer> found = new HashMap<>();
    ids.forEach(id -> Optional.ofNullable(customers.get(id)).ifPresent(c -> found.put(id, c.copy())));
    return found;
  }

  @Override
  public synchronized Optional<Customer> customer(String id) {
    return Optional.ofNullable(customers.get(id)).map(Customer::copy);
  }

  @Override
  public synchronized List<Customer> customers(CustomerFilter filter) {
    return customers.values().stream()
        .filter(c -> filter.matches(c.getId(), c.getStage()))
        .filter(c -> filter.afterId() == null || c.getId().compareTo(filter.afterId()) > 0)
        .sorted(java.util.Comparator.comparing(Customer::getId)).limit(filter.limit()).map(Customer::copy).toList();
  }

  @Override
  public List<OutboxAction> write(WriteBatch batch) {
    CountDownLatch gate = writeGate;
    if (gate != null) {
      writesWaiting.incrementAndGet();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        writesWaiting.decrementAndGet();
      }
    }
    synchronized (this) {
      RuntimeException failure = failNextWrite;
      if (failure != null) {
        failNextWrite = null;
        throw failure;
      }
      for (Decided d : batch.decided()) {
        if (d.touchpoint().id().equals(refused)) {
          throw new StoreException("value out of range for touchpoint " + refused, null, false);
        }
        if (!d.again() && touchpoints.containsKey(d.touchpoint().id())) {
          throw new TouchpointAlreadyStored("touchpoint " + d.touchpoint().id() + " is stored", null);
        }
      }
      writes.add(batch);
      batch.decided().forEach(d -> touchpoints.put(d.touchpoint().id(), d));
      batch.decided().forEach(d -> actions.addAll(d.decision().actions()));
      for (Customer c : batch.customers()) {
        Customer stored = c.copy();
        stored.advanceVersion();
        customers.put(c.getId(), stored);
      }
    }
    return List.of();
  }

  @Override
  public CustomerJourney journey(String customerId) {
    throw new UnsupportedOperationException();
  }

  /** Cuts the customers, in id order, into slices of {@code pages} customers: one customer stands for a page. */
  @Override
  public synchronized List<CensusSlice> censusSlices(int pages) {
    List<CensusSlice> slices = new ArrayList<>();
    long from = 0;
    for (; from + pages < customers.size(); from += pages) {
      slices.add(new CensusSlice(CensusSlice.Table.CUSTOMERS, from, from + pages));
    }
    slices.add(new CensusSlice(CensusSlice.Table.CUSTOMERS, from, CensusSlice.END));
    slices.add(CensusSlice.whole(CensusSlice.Table.TIMERS));
    return slices;
  }

  @Override
  public synchronized Census census(CensusSlice slice) {
    counted.add(slice);
    Long failAt = failCensusAtPage;
    if (failAt != null && slice.table() == CensusSlice.Table.CUSTOMERS && slice.fromPage() == failAt) {
      failCensusAtPage = null;
      throw new StoreException("connection lost", null, true);
    }
    if (slice.table() == CensusSlice.Table.TIMERS) {
      return Census.NONE;
    }
    return Census.ofStages(customers.values().stream().sorted(java.util.Comparator.comparing(Customer::getId))
        .skip(slice.fromPage()).limit(slice.untilPage() - slice.fromPage())
        .collect(Collectors.groupingBy(Customer::getStage, TreeMap::new, Collectors.counting())));
  }

  @Override
  public List<OutboxAction> claimDueActions(Instant now, int limit, Duration lease,
      io.rapport.engine.store.ChannelFilter filter) {
    return List.of();
  }

  @Override
  public List<io.rapport.engine.store.ListedAction> actionsWithStatus(String status, long afterId, int limit) {
    return List.of();
  }

  @Override
  public Retry retryFailedAction(long id, Instant now) {
    return Retry.NOT_FOUND;
  }

  @Override
  public Map<String, Long> pendingActionsByChannel() {
    return Map.of();
  }

  private final Map<String, io.rapport.engine.store.ConnectorPause> pauses = new java.util.TreeMap<>();

  @Override
  public synchronized List<io.rapport.engine.store.ConnectorPause> pausedConnectors() {
    return List.copyOf(pauses.values());
  }

  @Override
  public synchronized void pauseConnector(String connector, Instant at, String by) {
    pauses.putIfAbsent(connector, new io.rapport.engine.store.ConnectorPause(connector, at, by));
  }

  @Override
  public synchronized boolean resumeConnector(String connector) {
    return pauses.remove(connector) != null;
  }

  @Override
  public void recordDeliveries(List<Delivery> deliveries) {}

  @Override
  public void releaseHeld(Instant now) {}

  @Override
  public synchronized Map<String, Recipient> recipients(Collection<String> customerIds, Instant marketingSince) {
    Map<String, Recipient> found = new HashMap<>();
    customerIds.stream().filter(customers::containsKey)
        .forEach(id -> found.put(id, new Recipient(customers.get(id).getAttributes(), 0)));
    return found;
  }

  @Override
  public void recordGuarded(List<Guarded> verdicts) {}

  @Override
  public synchronized Erasure erase(String customerId, Instant at) {
    boolean held = customers.remove(customerId) != null;
    return new Erasure(customerId, at, Map.of("customers", held ? 1 : 0));
  }

  @Override
  public Map<String, Instant> erasedAt(Collection<String> customerIds) {
    return Map.of();
  }

  @Override
  public Map<String, List<Map<String, Object>>> export(String customerId) {
    throw new UnsupportedOperationException();
  }

  public final List<RuleVersion> ruleVersions = new ArrayList<>();

  @Override
  public ClaimedTimers claimDueTimers(Instant now, int limit, Duration lease) {
    return new ClaimedTimers(List.of(), 0);
  }

  @Override
  public void touchpointsBetween(Instant from, Instant until, java.util.function.Consumer<io.rapport.rules.Touchpoint> sink) {
    touchpoints.values().stream().map(Decided::touchpoint)
        .filter(t -> !t.occurredAt().isBefore(from) && !t.occurredAt().isAfter(until))
        .sorted(java.util.Comparator.comparing(io.rapport.rules.Touchpoint::occurredAt)).forEach(sink);
  }

  @Override
  public synchronized List<RuleVersion> ruleVersions() {
    return List.copyOf(ruleVersions);
  }

  @Override
  public synchronized Optional<RuleVersion> activeRules() {
    return ruleVersions.isEmpty() ? Optional.empty() : Optional.of(ruleVersions.get(ruleVersions.size() - 1));
  }

  @Override
  public synchronized RuleVersion saveRules(Map<String, String> files, String checksum, Instant at, String by, String note) {
    RuleVersion v = RuleVersion.of(ruleVersions.size() + 1, files, checksum, at, by, note);
    ruleVersions.add(v);
    return v;
  }

  @Override
  public boolean reachable() {
    return true;
  }

  @Override
  public void close() {}
}
