package io.rapport.engine.outbox;

import io.rapport.engine.metrics.JourneyMetrics;
import io.rapport.engine.store.Delivery;
import io.rapport.engine.store.OutboxAction;
import io.rapport.engine.store.Store;
import io.rapport.routes.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
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
 */
public final class OutboxRelay implements ActionHandOff {
  /** Most committed actions held in memory; the rest go out through the poll when their claim ends. */
  private static final int HAND_OFF_CAPACITY = 20_000;
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

  /** How the relay delivers. */
  public record Options(
      int batch,
      int maxAttempts,
      Duration pollInterval,
      Duration deliveryTimeout,
      Duration backoffInitial,
      Duration backoffMax,
      String defaultConnector,
      Map<String, String> connectorByChannel) {}

  private final Vertx vertx;
  private final Store store;
  private final JourneyMetrics metrics;
  private final Options options;
  private final Clock clock;
  private final Backoff backoff;
  private final Semaphore wake = new Semaphore(0);
  private final BlockingQueue<Claimed> handedOver = new ArrayBlockingQueue<>(HAND_OFF_CAPACITY);
  private final AtomicBoolean pollWanted = new AtomicBoolean(true);
  private long lastPoll;
  private final Thread thread;
  private volatile boolean running = true;

  public OutboxRelay(Vertx vertx, Store store, JourneyMetrics metrics, Options options, Clock clock) {
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

  /** Long enough to cover one delivery; a claim left by a crashed relay comes back after it. */
  private Duration lease() {
    return options.deliveryTimeout().plusSeconds(5);
  }

  @Override
  public Instant claimUntil(Instant now) {
    return now.plus(lease());
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

  public void stop() throws InterruptedException {
    running = false;
    nudge();
    thread.join(options.deliveryTimeout().toMillis() + 5_000);
  }

  private void run() {
    while (running) {
      try {
        int handled = deliverHandedOver();
        boolean pollDue = System.nanoTime() - lastPoll >= options.pollInterval().toNanos();
        if (pollWanted.getAndSet(false) || pollDue) {
          int polled = relayOnce();
          pollWanted.compareAndSet(false, polled == options.batch()); // more may be due
          handled += polled;
        }
        if (handled == 0 && handedOver.isEmpty() && !pollWanted.get()) {
          wake.tryAcquire(options.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
          wake.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.warn("outbox relay: {}", e.getMessage());
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
   * Delivers up to a batch of handed-over actions; returns how many it handled. One whose claim
   * ends before a delivery could finish is left to the poll, which takes it when the claim ends.
   */
  private int deliverHandedOver() throws InterruptedException {
    List<Claimed> taken = new ArrayList<>();
    handedOver.drainTo(taken, options.batch());
    Instant latestStart = clock.instant().plus(options.deliveryTimeout());
    List<OutboxAction> due = new ArrayList<>(taken.size());
    for (Claimed c : taken) {
      if (c.until().isAfter(latestStart)) {
        due.add(c.action());
      }
    }
    deliver(due);
    return taken.size();
  }

  /** Claims and delivers one batch of due actions; returns how many it handled. */
  int relayOnce() throws InterruptedException {
    lastPoll = System.nanoTime();
    List<OutboxAction> due = store.claimDueActions(clock.instant(), options.batch(), lease());
    deliver(due);
    return due.size();
  }

  private void deliver(List<OutboxAction> due) throws InterruptedException {
    if (due.isEmpty()) {
      return;
    }
    List<CompletableFuture<JsonObject>> replies = new ArrayList<>(due.size());
    for (OutboxAction a : due) {
      replies.add(send(a));
    }
    List<Delivery> results = new ArrayList<>(due.size());
    for (int i = 0; i < due.size(); i++) {
      results.add(outcome(due.get(i), await(replies.get(i))));
    }
    store.recordDeliveries(results);
    for (int i = 0; i < due.size(); i++) {
      metrics.action(due.get(i).channel(), switch (results.get(i).status()) {
        case SENT -> "sent";
        case FAILED -> "failed";
        case PENDING -> "retried";
      });
    }
  }

  private CompletableFuture<JsonObject> send(OutboxAction a) {
    JsonObject body =
        new JsonObject()
            .put("id", a.id())
            .put("idempotencyKey", a.idempotencyKey())
            .put("customerId", a.customerId())
            .put("channel", a.channel())
            .put("template", a.template())
            .put("params", new JsonObject(a.params()))
            .put("rule", a.rule())
            .put("touchpointId", a.touchpointId())
            .put("attempt", a.attempts() + 1)
            .put(Addresses.CONNECTOR, connectorFor(a.channel()));
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(options.deliveryTimeout().toMillis());
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    vertx.eventBus()
        .<JsonObject>request(Addresses.ACTIONS, body, delivery)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                reply.complete(ar.result().body());
              } else {
                reply.complete(
                    new JsonObject()
                        .put("outcome", "failed")
                        .put("retriable", true)
                        .put("error", "no answer from connector: " + ar.cause().getMessage()));
              }
            });
    return reply;
  }

  String connectorFor(String channel) {
    return options.connectorByChannel().getOrDefault(channel, options.defaultConnector());
  }

  private JsonObject await(CompletableFuture<JsonObject> reply) throws InterruptedException {
    try {
      return reply.get(options.deliveryTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return new JsonObject().put("outcome", "failed").put("retriable", true).put("error", "timed out");
    }
  }

  private Delivery outcome(OutboxAction a, JsonObject reply) {
    Instant now = clock.instant();
    int attempts = a.attempts() + 1;
    if ("sent".equals(reply.getString("outcome"))) {
      return new Delivery(a.id(), Delivery.Status.SENT, attempts, now, null, null);
    }
    String error = reply.getString("error", "unknown failure");
    boolean retriable = reply.getBoolean("retriable", true);
    if (!retriable || attempts >= options.maxAttempts()) {
      LOG.warn("action {} ({} to {}) failed after {} attempt(s): {}", a.id(), a.template(), a.customerId(), attempts, error);
      return new Delivery(a.id(), Delivery.Status.FAILED, attempts, now, null, error);
    }
    return new Delivery(a.id(), Delivery.Status.PENDING, attempts, now, now.plus(backoff.after(attempts)), error);
  }
}
