package io.rapport.engine.outbox;

import io.rapport.engine.metrics.JourneyMetrics;
import io.rapport.engine.store.ChannelFilter;
import io.rapport.engine.store.ConnectorPause;
import io.rapport.engine.store.Delivery;
import io.rapport.engine.store.Guarded;
import io.rapport.engine.store.OutboxAction;
import io.rapport.engine.store.Store;
import io.rapport.messages.ActionMessage;
import io.rapport.messages.Addresses;
import io.rapport.messages.DeliveryOutcome;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves actions from the outbox to the connector routes: takes the actions partitions have just
 * committed (claimed in that same transaction) or claims due actions from the outbox, sends each
 * on the event bus, records sent, retry later (with backoff) or failed. A claim is a lease, so
 * actions claimed by a relay that died become due again by themselves.
 *
 * <p>Up to {@code maxInFlight} deliveries (setting outbox.batch) are in flight at once, and
 * answers are recorded as they come (those that came together in one transaction): one slow
 * receiver holds one slot, not the rest.
 */
public final class OutboxRelay implements ActionHandOff {
  /** Most committed actions held in memory; the rest go out through the poll when their claim ends. */
  private static final int HAND_OFF_CAPACITY = 20_000;
  /**
   * How long an action whose connector is paused or off waits before it is looked at again; a resume, and a start,
   * release the held actions at once. Held, it is out of the way of the due actions the poll takes.
   */
  private static final Duration HOLD = Duration.ofMinutes(10);
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

  /**
   * How the relay delivers. It waits {@code deliveryTimeout} for a connector's answer; a claim lasts {@code lease},
   * longer than that, so that no other relay takes an action whose answer is still on its way.
   */
  public record Options(
      int maxInFlight,
      int maxAttempts,
      Duration pollInterval,
      Duration deliveryTimeout,
      Duration lease,
      Duration backoffInitial,
      Duration backoffMax,
      ConnectorRouting routing) {}

  private final Vertx vertx;
  private final Store store;
  private final JourneyMetrics metrics;
  private final Options options;
  private final Clock clock;
  private final Backoff backoff;
  private final SendGate gate;
  private final Semaphore wake = new Semaphore(0);
  private final BlockingQueue<Claimed> handedOver = new ArrayBlockingQueue<>(HAND_OFF_CAPACITY);
  private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
  private final AtomicBoolean pollWanted = new AtomicBoolean(true);
  private long lastPoll;
  /** Sent and not yet answered; only the relay thread reads or writes it. */
  private int inFlight;
  /** Whether the store failed the last round; only the relay thread reads or writes it. */
  private boolean failing;
  /** Answered and not yet recorded (the store failed), by action id; only the relay thread reads or writes it. */
  private final Map<Long, Unrecorded> unrecorded = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  /** Paused connectors as last read from the store; only the relay thread writes it. */
  private volatile Set<String> paused = Set.of();
  private final AtomicBoolean pausesChanged = new AtomicBoolean(true);
  /** Whether the held actions are to be made due again (at start, and after a pause or resume). */
  private final AtomicBoolean releaseHeld = new AtomicBoolean(true);
  private final UnsubscribeLinks unsubscribe;

  public OutboxRelay(Vertx vertx, Store store, JourneyMetrics metrics, Options options, Guardrails guardrails,
      Clock clock, UnsubscribeLinks unsubscribe) {
    this.unsubscribe = unsubscribe;
    this.gate = new SendGate(store, guardrails, metrics, clock);
    this.vertx = vertx;
    this.store = store;
    this.metrics = metrics;
    this.options = options;
    this.clock = clock;
    this.backoff = new Backoff(options.backoffInitial(), options.backoffMax());
    this.thread = new Thread(this::run, "rapport-outbox-relay");
    this.lastPoll = System.nanoTime();
  }

  public void start() {
    thread.start();
  }

  /** An action claimed for this relay until a time. */
  private record Claimed(OutboxAction action, Instant until) {}

  /** A connector's answer to one action. */
  private record Answer(OutboxAction action, DeliveryOutcome outcome) {}

  /** A delivery's result the store has not recorded yet, with the channel it is counted under once it has. */
  private record Unrecorded(OutboxAction action, Delivery delivery) {}

  /** A claim left by a crashed relay comes back after it. */
  private Duration lease() {
    return options.lease();
  }

  /**
   * A claim while the hand-off holds less than two rounds of sends; none beyond, leaving the new actions to the poll.
   * A handed-over action must go out before its lease is within a delivery timeout of its end (5 s after the claim),
   * or it waits out the lease, claimed, at the head of the outbox, where every poll steps over it: with the hand-off
   * allowed to fill (20,000) at full load, a poll stepped over thousands and took 60-90 ms.
   */
  @Override
  public Instant claimUntil(Instant now) {
    return handedOver.size() < 2 * options.maxInFlight() ? now.plus(lease()) : null;
  }

  @Override
  public void handOver(List<OutboxAction> claimed, Instant claimedUntil) {
    if (claimed.isEmpty()) {
      pollWanted.set(true); // the store left them to the poll
    }
    for (OutboxAction a : claimed) {
      if (!handedOver.offer(new Claimed(a, claimedUntil))) {
        break; // full: the rest come back through the poll when their claim ends
      }
    }
    nudge();
  }

  /** Look now rather than at the next poll. */
  private void nudge() {
    if (wake.availablePermits() == 0) {
      wake.release();
    }
  }

  /** Stops sending, records the answers to what is in flight (a delivery timeout at most), then returns. */
  public void stop() throws InterruptedException {
    running = false;
    nudge();
    thread.join(options.deliveryTimeout().toMillis() + 5_000);
  }

  private void run() {
    long stopBy = Long.MAX_VALUE;
    while (running || (inFlight > 0 && System.nanoTime() < stopBy)) {
      if (!running && stopBy == Long.MAX_VALUE) {
        stopBy = System.nanoTime() + options.deliveryTimeout().toNanos();
      }
      try {
        int handled = recordAnswers();
        if (failing) {
          LOG.info("outbox relay: the store answers again; every result was recorded");
          failing = false;
        }
        if (running) {
          handled += sendHandedOver();
          boolean pollDue = System.nanoTime() - lastPoll >= options.pollInterval().toNanos();
          int free = options.maxInFlight() - inFlight;
          if (free > 0 && (pollWanted.getAndSet(false) || pollDue)) {
            int polled = relayOnce(free);
            pollWanted.compareAndSet(false, polled == free); // more may be due
            handled += polled;
          }
        }
        boolean canSend = running && inFlight < options.maxInFlight();
        if (handled == 0 && answers.isEmpty() && !(canSend && (!handedOver.isEmpty() || pollWanted.get()))) {
          wake.tryAcquire(options.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
          wake.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (!failing) { // once per outage, not once a poll
          LOG.warn("outbox relay: the store failed; {} delivery results wait to be recorded, and nothing new is sent"
              + " meanwhile", unrecorded.size(), e);
        } else {
          LOG.debug("outbox relay: the store still fails", e);
        }
        failing = true;
        try {
          Thread.sleep(options.pollInterval().toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Sends handed-over actions while slots are free; returns how many it took. One whose claim
   * ends before a delivery could finish is left to the poll, which takes it when the claim ends.
   */
  private int sendHandedOver() {
    int free = options.maxInFlight() - inFlight;
    if (free <= 0) {
      return 0;
    }
    List<Claimed> taken = new ArrayList<>(Math.min(free, handedOver.size()));
    handedOver.drainTo(taken, free);
    if (pausesChanged.get()) {
      pollWanted.set(true); // the poll reads the pauses; what was handed over goes out after it
      taken.forEach(c -> handedOver.offer(c));
      return 0;
    }
    Instant latestStart = clock.instant().plus(options.deliveryTimeout());
    sendAll(taken.stream().filter(c -> c.until().isAfter(latestStart) && !unrecorded.containsKey(c.action().id()))
        .map(Claimed::action).toList());
    return taken.size();
  }

  /** Claims and sends up to {@code most} due actions; returns how many it claimed. */
  private int relayOnce(int most) {
    lastPoll = System.nanoTime();
    paused = store.pausedConnectors().stream().map(ConnectorPause::connector).collect(Collectors.toUnmodifiableSet());
    pausesChanged.set(false);
    if (releaseHeld.getAndSet(false)) {
      store.releaseHeld(clock.instant());
    }
    // every due action, whatever its channel: those whose connector is paused or off are held below, out of the
    // way; left due, the poll would step over all of them every time (120,000 a poll after a few minutes of load
    // with the support channel's connector off)
    List<OutboxAction> due = store.claimDueActions(clock.instant(), most, lease(), ChannelFilter.all());
    // sent already (its result waits to be recorded): not again
    sendAll(due.stream().filter(a -> !unrecorded.containsKey(a.id())).toList());
    return due.size();
  }

  /** The channels whose connector is neither paused nor off: the rest wait in the outbox, pending. */
  ChannelFilter sendable() {
    ConnectorRouting routing = options.routing();
    Set<String> held = new HashSet<>(paused);
    routing.connectors().stream().filter(c -> !routing.isOn(c)).forEach(held::add);
    if (held.isEmpty()) {
      return ChannelFilter.all();
    }
    boolean defaultHeld = held.contains(routing.defaultConnector());
    Set<String> named = routing.byChannel().entrySet().stream()
        .filter(e -> held.contains(e.getValue()) != defaultHeld).map(Map.Entry::getKey)
        .collect(Collectors.toSet());
    return defaultHeld ? ChannelFilter.only(named) : ChannelFilter.except(named);
  }

  /** A pause or resume was just recorded: read the pauses before the next send rather than at the next poll. */
  public void pausesChanged() {
    releaseHeld.set(true);
    pausesChanged.set(true);
    pollWanted.set(true);
    nudge();
  }

  /**
   * Sends actions to their connectors: the one place every action leaves by. Actions whose connector is paused or
   * off are given back to the outbox, pending without an attempt counted, held (reason {@value Store#HELD}) until a
   * resume or a start releases them, or {@link #HOLD} has passed.
   */
  private void sendAll(List<OutboxAction> actions) {
    if (actions.isEmpty()) {
      return;
    }
    ChannelFilter sendable = sendable();
    List<OutboxAction> going = new ArrayList<>(actions.size());
    List<Guarded> waiting = new ArrayList<>();
    Instant lookAgain = clock.instant().plus(HOLD);
    for (OutboxAction a : actions) {
      if (sendable.admits(a.channel())) {
        going.add(a);
      } else {
        waiting.add(Guarded.deferred(a.id(), Store.HELD, lookAgain));
      }
    }
    if (!waiting.isEmpty()) {
      store.recordGuarded(waiting);
      actions.stream().filter(a -> !sendable.admits(a.channel()))
          .forEach(a -> metrics.delivery(connectorFor(a.channel()), "held"));
    }
    if (going.isEmpty()) {
      return;
    }
    SendGate.Passed passed = gate.letThrough(going);
    for (OutboxAction a : passed.actions()) {
      send(a, passed.attributesOf(a.customerId()));
    }
  }

  /**
   * Records, in one transaction, every answer that has come, with those a failing store could not take before;
   * returns how many came. What the store cannot take now is kept and recorded once it can: an action sent but not
   * yet recorded is never sent again by this relay, even once its claim has ended.
   */
  private int recordAnswers() {
    List<Answer> came = new ArrayList<>();
    answers.drainTo(came);
    if (came.isEmpty() && unrecorded.isEmpty()) {
      return 0;
    }
    inFlight -= came.size();
    for (Answer a : came) {
      unrecorded.put(a.action().id(), new Unrecorded(a.action(), outcome(a.action(), a.outcome())));
    }
    List<Delivery> results = unrecorded.values().stream().map(Unrecorded::delivery).toList();
    store.recordDeliveries(results); // throws while the store is down: the results wait in unrecorded
    unrecorded.values().forEach(u -> {
      String outcome = switch (u.delivery().status()) {
        case SENT -> "sent";
        case FAILED -> "failed";
        case PENDING -> "retried";
      };
      metrics.action(u.action().channel(), outcome);
      metrics.delivery(connectorFor(u.action().channel()), outcome);
      gate.recorded(u.action());
    });
    unrecorded.clear();
    return came.size();
  }

  /** Sends one action; its answer, or the event bus's timeout, comes back through {@link #answers}. */
  private void send(OutboxAction a, Map<String, Object> attributes) {
    String connector = connectorFor(a.channel());
    JsonObject body = new ActionMessage(a.id(), a.idempotencyKey(), a.customerId(), a.channel(), a.template(),
        a.params(), a.rule(), a.touchpointId(), a.attempts() + 1, connector, text(attributes.get("email")),
        text(attributes.get("phone")), attributes, a.transactional(), unsubscribe.link(a.customerId(), a.channel()),
        RecentJourney.of(store, connector, a.customerId())).toJson();
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(options.deliveryTimeout().toMillis());
    inFlight++;
    gate.sent(a);
    vertx.eventBus()
        .<JsonObject>request(Addresses.ACTIONS, body, delivery)
        .onComplete(
            ar -> {
              DeliveryOutcome outcome = ar.succeeded()
                  ? DeliveryOutcome.fromJson(ar.result().body())
                  : DeliveryOutcome.retriable("no answer from connector: " + ar.cause().getMessage());
              answers.add(new Answer(a, outcome));
              nudge();
            });
  }

  String connectorFor(String channel) {
    return options.routing().connectorFor(channel);
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private Delivery outcome(OutboxAction a, DeliveryOutcome reply) {
    Instant now = clock.instant();
    int attempts = a.attempts() + 1;
    if (reply.sent()) {
      return new Delivery(a.id(), Delivery.Status.SENT, attempts, now, null, null);
    }
    if (!reply.retriable() || attempts >= options.maxAttempts()) {
      LOG.warn("action {} ({} to {}) failed after {} attempt(s): {}", a.id(), a.template(), a.customerId(), attempts,
          reply.error());
      return new Delivery(a.id(), Delivery.Status.FAILED, attempts, now, null, reply.error());
    }
    Duration wait = backoff.after(attempts);
    if (reply.retryAfterSeconds() != null && Duration.ofSeconds(reply.retryAfterSeconds()).compareTo(wait) > 0) {
      wait = Duration.ofSeconds(reply.retryAfterSeconds()); // the receiver said when it can take it again
    }
    return new Delivery(a.id(), Delivery.Status.PENDING, attempts, now, now.plus(wait), reply.error());
  }
}
