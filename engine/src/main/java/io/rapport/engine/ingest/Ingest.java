package io.rapport.engine.ingest;

import io.rapport.engine.metrics.JourneyMetrics;
import io.rapport.engine.outbox.ActionHandOff;
import io.rapport.engine.store.Store;
import io.rapport.engine.store.StoreException;
import io.rapport.messages.Addresses;
import io.rapport.messages.CanonicalTouchpoint;
import io.rapport.messages.IngestFailure;
import io.rapport.messages.IngestResult;
import io.rapport.messages.RejectedInput;
import io.rapport.messages.TouchpointReader;
import io.rapport.messages.ValidTouchpoints;
import io.rapport.rules.Touchpoint;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes touchpoint batches (from the routes on the event bus, or the timers directly), hands each touchpoint to its
 * customer's partition and answers {accepted, duplicates} once every partition has committed its part.
 */
public final class Ingest extends AbstractVerticle implements Decider {
  private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

  /** How ingestion is sized; {@code maxBatchItems} bounds a batch that another route did not validate. */
  public record Options(int partitions, int maxInFlight, int groupCommitMax, int cacheCustomers, int maxBatchItems) {}

  private final Options options;
  private final Partitioner partitioner;
  private final List<PartitionWorker> workers = new ArrayList<>();
  private final Semaphore inFlight;
  private MessageConsumer<Object> consumer;

  public Ingest(
      Options options, Store store, ActiveRules rules, JourneyMetrics metrics, ActionHandOff afterActions, Clock clock) {
    this.options = options;
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
    List<CanonicalTouchpoint> items;
    boolean backfill = message.body() instanceof ValidTouchpoints valid && valid.backfill();
    try {
      items = canonical(message.body());
    } catch (RejectedInput e) {
      message.fail(IngestFailure.INVALID.code(), e.getMessage() + (e.details().isEmpty() ? "" : ": " + e.details()));
      return;
    }
    List<Touchpoint> touchpoints = new ArrayList<>(items.size());
    for (CanonicalTouchpoint t : items) {
      touchpoints.add(Facts.touchpoint(t));
    }
    Context context = vertx.getOrCreateContext();
    (backfill ? backfill(touchpoints) : decide(touchpoints)).whenComplete((result, failure) -> context.runOnContext(v -> {
      if (failure == null) {
        message.reply(result.toJson());
      } else if (failure instanceof IngestRefused r) {
        message.fail(r.failure().code(), r.getMessage());
      } else {
        LOG.warn("a batch of {} touchpoints failed", touchpoints.size(), failure);
        message.fail(IngestFailure.STORE_FAILED.code(), IngestFailure.STORE_FAILED.explanation());
      }
    }));
  }

  /**
   * What another route put on the bus: validated touchpoints as they are, anything else read and validated here, so
   * that every channel gets the same checks.
   */
  private List<CanonicalTouchpoint> canonical(Object body) {
    if (body instanceof ValidTouchpoints valid) {
      return valid.items();
    }
    if (body instanceof JsonArray array) {
      return TouchpointReader.items(array, options.maxBatchItems());
    }
    if (body instanceof String text) {
      return TouchpointReader.parse(TouchpointReader.NDJSON, text, options.maxBatchItems());
    }
    if (body instanceof Buffer bytes) {
      return TouchpointReader.parse(TouchpointReader.NDJSON, bytes.getBytes(), options.maxBatchItems());
    }
    throw new RejectedInput(400, "expected validated touchpoints, a JSON array or NDJSON text on "
        + Addresses.TOUCHPOINTS, null);
  }

  /**
   * Decides a batch: completes once every touchpoint is committed (or known), or fails with {@link IngestRefused}.
   * Any thread may call it; it never blocks.
   */
  @Override
  public CompletableFuture<IngestResult> decide(List<Touchpoint> touchpoints) {
    return submit(touchpoints, false);
  }

  /**
   * Decides again touchpoints stored as rule errors (after a fix of the rules), each as a late arrival: against its
   * customer's state now, with its own event time as the rules' "now". One that is no rule error any more is left
   * alone and counted as a duplicate.
   */
  public CompletableFuture<IngestResult> redecide(List<Touchpoint> touchpoints) {
    return submit(touchpoints, true, false);
  }

  /**
   * Decides a backfill, history being imported: stages, aggregates and timers as for any touchpoint, and every action
   * it leads to recorded suppressed, reason backfill, never sent.
   */
  public CompletableFuture<IngestResult> backfill(List<Touchpoint> touchpoints) {
    return submit(touchpoints, false, true);
  }

  private CompletableFuture<IngestResult> submit(List<Touchpoint> touchpoints, boolean again) {
    return submit(touchpoints, again, false);
  }

  private CompletableFuture<IngestResult> submit(List<Touchpoint> touchpoints, boolean again, boolean backfill) {
    CompletableFuture<IngestResult> done = new CompletableFuture<>();
    int n = touchpoints.size();
    if (n == 0) {
      done.complete(IngestResult.NONE);
      return done;
    }
    if (!inFlight.tryAcquire(n)) {
      done.completeExceptionally(
          new IngestRefused(IngestFailure.OVERLOADED, "too many touchpoints in flight; retry shortly", null));
      return done;
    }
    Ticket ticket = new Ticket(n, settled -> {
      inFlight.release(n); // first: nothing after may keep the permits
      RuntimeException failure = settled.failure();
      if (failure == null) {
        done.complete(new IngestResult(settled.accepted(), settled.duplicates()));
      } else if (failure instanceof StoreException s && !s.retriable()) {
        // the store refuses something in it, whatever is tried: the same batch again would fail again
        done.completeExceptionally(new IngestRefused(IngestFailure.INVALID,
            "a touchpoint of the batch cannot be stored (" + s.getMessage() + "); the others were", failure));
      } else {
        // The partition that failed logged why. Whatever part did commit is now a duplicate, so a retry is safe.
        done.completeExceptionally(new IngestRefused(IngestFailure.STORE_FAILED,
            "the store could not commit the touchpoints; retry shortly", failure));
      }
    });
    long now = System.nanoTime();
    for (Touchpoint t : touchpoints) {
      workers.get(partitioner.partitionOf(t.customerId())).submit(new PartitionWorker.Pending(t, ticket, now, again, backfill));
    }
    return done;
  }

  /**
   * Erases a customer on their partition's thread, between two batches: the store's rows in one transaction, and the
   * partition's cached copy, so that nothing of them is written back. Completes with what was erased.
   */
  public CompletableFuture<io.rapport.engine.store.Erasure> erase(String customerId, java.time.Instant at) {
    CompletableFuture<io.rapport.engine.store.Erasure> done = new CompletableFuture<>();
    PartitionWorker worker = workers.get(partitioner.partitionOf(customerId));
    worker.between(() -> {
      try {
        done.complete(worker.erase(customerId, at));
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    return done;
  }

  /** How the partitions fare: how many threads had died (and were started again), and the longest stall now. */
  public record PartitionHealth(int restarted, Duration longestStall) {
    /** A partition is stalled when its batch under way has made no progress for this long. */
    public static final Duration STALLED = Duration.ofSeconds(30);

    public static final PartitionHealth GOOD = new PartitionHealth(0, Duration.ZERO);

    public boolean stalled() {
      return longestStall.compareTo(STALLED) >= 0;
    }
  }

  /**
   * Looks at every partition: a thread that died (it should not: every failure of a batch is caught) is started again
   * on the queue it left, loudly; the longest time a batch under way has gone without progress is returned.
   */
  public PartitionHealth watch() {
    int restarted = 0;
    long now = System.nanoTime();
    long longest = 0;
    for (PartitionWorker w : workers) {
      if (w.dead()) {
        LOG.error("a partition's thread died: starting another on its queue");
        w.restart();
        restarted++;
      }
      longest = Math.max(longest, w.stalledNanos(now));
    }
    return new PartitionHealth(restarted, Duration.ofNanos(longest));
  }

  /** Touchpoints queued in partitions and not yet committed. */
  public int queued() {
    return workers.stream().mapToInt(PartitionWorker::queued).sum();
  }

  /** Permits for touchpoints in flight still free: back at {@code maxInFlight} when nothing is in flight. */
  int freeInFlight() {
    return inFlight.availablePermits();
  }
}
