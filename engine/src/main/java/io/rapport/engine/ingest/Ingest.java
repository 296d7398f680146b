package io.rapport.engine.ingest;

import io.rapport.engine.metrics.JourneyMetrics;
import io.rapport.engine.outbox.ActionHandOff;
import io.rapport.engine.store.Store;
import io.rapport.routes.Addresses;
import io.rapport.routes.ingest.ValidTouchpoints;
import io.rapport.rules.Touchpoint;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes validated touchpoint batches from the event bus, hands each touchpoint to its customer's
 * partition and replies {accepted, duplicates} once every partition has committed its part.
 */
public final class Ingest extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
  /** Failure code when more touchpoints are in flight than the server takes: HTTP 503. */
  public static final int OVERLOADED = 503;
  /** Failure code when the store failed: retriable, HTTP 503 too. */
  public static final int STORE_FAILED = 500;

  /** How ingestion is sized. */
  public record Options(int partitions, int maxInFlight, int groupCommitMax, int cacheCustomers) {}

  private final Partitioner partitioner;
  private final List<PartitionWorker> workers = new ArrayList<>();
  private final Semaphore inFlight;
  private MessageConsumer<Object> consumer;

  public Ingest(
      Options options, Store store, ActiveRules rules, JourneyMetrics metrics, ActionHandOff afterActions, Clock clock) {
    this.partitioner = new Partitioner(options.partitions());
    this.inFlight = new Semaphore(options.maxInFlight());
    int cachePerPartition = options.cacheCustomers() / options.partitions();
    for (int i = 0; i < options.partitions(); i++) {
      workers.add(
          new PartitionWorker(
              i, store, rules, cachePerPartition, metrics, options.groupCommitMax(), afterActions, clock));
    }
  }

  @Override
  public void start() {
    workers.forEach(PartitionWorker::start);
    consumer = vertx.eventBus().<Object>consumer(Addresses.TOUCHPOINTS, this::onBatch);
  }

  @Override
  public void stop() throws InterruptedException {
    if (consumer != null) {
      consumer.unregister();
    }
    for (PartitionWorker w : workers) {
      w.stop();
    }
  }

  private void onBatch(Message<Object> message) {
    JsonArray items;
    if (message.body() instanceof ValidTouchpoints valid) {
      items = valid.items();
    } else if (message.body() instanceof JsonArray array) {
      items = array;
    } else {
      message.fail(400, "expected a JSON array of touchpoints on " + Addresses.TOUCHPOINTS);
      return;
    }
    List<Touchpoint> touchpoints = new ArrayList<>(items.size());
    try {
      for (int i = 0; i < items.size(); i++) {
        touchpoints.add(TouchpointJson.read(items.getJsonObject(i)));
      }
    } catch (RuntimeException e) {
      // The routes validate first; reaching this is a bug in a route, not a client error.
      message.fail(400, "invalid touchpoint on " + Addresses.TOUCHPOINTS + ": " + e.getMessage());
      return;
    }
    if (touchpoints.isEmpty()) {
      message.reply(new JsonObject().put("accepted", 0).put("duplicates", 0));
      return;
    }
    int n = touchpoints.size();
    if (!inFlight.tryAcquire(n)) {
      message.fail(OVERLOADED, "too many touchpoints in flight; retry shortly");
      return;
    }
    Context context = vertx.getOrCreateContext();
    Ticket ticket =
        new Ticket(
            n,
            done -> {
              inFlight.release(n);
              context.runOnContext(v -> reply(message, done));
            });
    long now = System.nanoTime();
    for (Touchpoint t : touchpoints) {
      workers.get(partitioner.partitionOf(t.customerId())).submit(new PartitionWorker.Pending(t, ticket, now));
    }
  }

  private static void reply(Message<Object> message, Ticket done) {
    RuntimeException failure = done.failure();
    if (failure == null) {
      message.reply(new JsonObject().put("accepted", done.accepted()).put("duplicates", done.duplicates()));
      return;
    }
    LOG.warn("a batch of {} touchpoints was not fully committed: {}", done.size(), failure.getMessage());
    // Whatever part did commit is now a duplicate, so a client's retry is safe.
    message.fail(STORE_FAILED, "the store could not commit the touchpoints; retry shortly");
  }

  /** Touchpoints queued in partitions and not yet committed. */
  public int queued() {
    return workers.stream().mapToInt(PartitionWorker::queued).sum();
  }
}
