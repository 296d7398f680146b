package io.rapport.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rapport.engine.metrics.JourneyMetrics;
import io.rapport.engine.outbox.ActionHandOff;
import io.rapport.engine.store.InMemoryStore;
import io.rapport.engine.store.StoreException;
import io.rapport.messages.Addresses;
import io.rapport.messages.IngestFailure;
import io.rapport.rules.RuleBook;
import io.rapport.rules.Transition;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ingestion over the event bus, with the real rules and an in-memory store. */
class IngestTest {
  private static final RuleBook RULES = RuleBook.defaults();
  private Vertx vertx;
  private InMemoryStore store;
  private Ingest ingest;

  @BeforeEach
  void start() throws Exception {
    start(new Ingest.Options(4, 1_000, 500, 1_000, 10_000));
  }

  void start(Ingest.Options options) throws Exception {
    start(options, new SimpleMeterRegistry());
  }

  void start(Ingest.Options options, MeterRegistry registry) throws Exception {
    vertx = Vertx.vertx();
    store = new InMemoryStore();
    ingest = new Ingest(options, store, new ActiveRules(RULES), new JourneyMetrics(registry), ActionHandOff.polling(() -> {}), Clock.systemUTC());
    vertx.deployVerticle(ingest).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static JsonObject purchase(String id, String customer, int minute) {
    return new JsonObject().put("id", id).put("customerId", customer).put("type", "purchase")
        .put("occurredAt", Instant.parse("2026-01-01T00:00:00Z").plusSeconds(minute * 60L).toString())
        .put("value", 20);
  }

  private JsonObject send(JsonArray batch) throws Exception {
    return vertx.eventBus().<JsonObject>request(Addresses.TOUCHPOINTS, batch)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
  }

  @Test
  void repliesWithAcceptedAndDuplicatesAfterTheWrite() throws Exception {
    JsonObject reply = send(new JsonArray().add(purchase("e1", "c1", 1)).add(purchase("e2", "c2", 1)).add(purchase("e1", "c1", 1)));
    assertThat(reply).isEqualTo(new JsonObject().put("accepted", 2).put("duplicates", 1));
    assertThat(store.touchpoints).containsOnlyKeys("e1", "e2");

    JsonObject again = send(new JsonArray().add(purchase("e2", "c2", 1)));
    assertThat(again).isEqualTo(new JsonObject().put("accepted", 0).put("duplicates", 1));
    assertThat(store.customers.get("c2").getOrders()).isEqualTo(1);
  }

  @Test
  void oneCustomersTouchpointsAreDecidedInArrivalOrder() throws Exception {
    JsonArray batch = new JsonArray();
    for (int i = 1; i <= 5; i++) {
      batch.add(purchase("p" + i, "c-ordered", i));
    }
    send(batch);
    List<Transition> transitions = store.writes.stream()
        .flatMap(w -> w.decided().stream()).flatMap(d -> d.decision().transitions().stream()).toList();
    assertThat(transitions).extracting(Transition::touchpointId).containsExactly("p1", "p2", "p5");
    assertThat(transitions).extracting(Transition::to).containsExactly("NEW_CUSTOMER", "REPEAT", "LOYAL");
  }

  @Test
  void touchpointsThatQueueDuringAWriteAreCommittedTogether() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    start(new Ingest.Options(1, 1_000, 500, 1_000, 10_000));
    CountDownLatch gate = new CountDownLatch(1);
    store.writeGate = gate;
    var first = vertx.eventBus().request(Addresses.TOUCHPOINTS, new JsonArray().add(purchase("a", "c1", 1)));
    // The first batch is taken off the queue and waits in its (blocked) write...
    await().atMost(Duration.ofSeconds(5)).until(() -> store.writesWaiting.get() == 1);
    var later = new java.util.ArrayList<io.vertx.core.Future<?>>();
    for (int i = 0; i < 10; i++) {
      later.add(vertx.eventBus().request(Addresses.TOUCHPOINTS, new JsonArray().add(purchase("b" + i, "c" + i, 1))));
    }
    // ...while ten more requests queue up behind it.
    await().atMost(Duration.ofSeconds(5)).until(() -> ingest.queued() == 10);
    gate.countDown();
    first.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (var f : later) {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    assertThat(store.writes).hasSize(2);
    assertThat(store.writes.get(1).decided()).hasSize(10);
  }

  @Test
  void aFailedWriteFailsTheRequestAndAClientRetryIsDecidedOnce() throws Exception {
    store.failNextWrite = new StoreException("disk full", null, true);
    JsonArray batch = new JsonArray().add(purchase("r1", "c-retry", 1));
    assertThat(vertx.eventBus().request(Addresses.TOUCHPOINTS, batch).toCompletionStage().toCompletableFuture())
        .failsWithin(10, TimeUnit.SECONDS)
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(IngestFailure.STORE_FAILED.code()));
    assertThat(store.customers).doesNotContainKey("c-retry");

    assertThat(send(batch)).isEqualTo(new JsonObject().put("accepted", 1).put("duplicates", 0));
    assertThat(store.customers.get("c-retry").getOrders()).isEqualTo(1);
  }

  @Test
  void moreTouchpointsInFlightThanAllowedAreRefusedWhole() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    start(new Ingest.Options(1, 3, 500, 1_000, 10_000));
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 4; i++) {
      tooMany.add(purchase("x" + i, "c", i));
    }
    assertThat(vertx.eventBus().request(Addresses.TOUCHPOINTS, tooMany).toCompletionStage().toCompletableFuture())
        .failsWithin(10, TimeUnit.SECONDS)
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(IngestFailure.OVERLOADED.code()));
    assertThat(store.touchpoints).isEmpty();
  }

  @Test
  void aFailureAfterTheCommitStillAnswersEveryRequestAndGivesItsPlaceBack() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // counting a committed touchpoint fails: the touchpoints are stored all the same
    start(new Ingest.Options(2, 3, 500, 1_000, 10_000), new SimpleMeterRegistry() {
      @Override
      protected Counter newCounter(Meter.Id id) {
        throw new IllegalStateException("the metrics are broken");
      }
    });
    for (int i = 0; i < 10; i++) { // more requests than places in flight: each must give its place back
      assertThat(send(new JsonArray().add(purchase("after-" + i, "c-after-" + i, 1))))
          .isEqualTo(new JsonObject().put("accepted", 1).put("duplicates", 0));
    }
    assertThat(store.touchpoints).hasSize(10);
    assertThat(ingest.freeInFlight()).isEqualTo(3);
  }

  @Test
  void anotherRoutesArrayIsValidatedLikeHttpsAndABadOneIsRefusedWhole() throws Exception {
    JsonArray batch = new JsonArray().add(purchase("v1", "c-v", 1)).add(new JsonObject().put("id", "v2"));
    assertThat(vertx.eventBus().request(Addresses.TOUCHPOINTS, batch).toCompletionStage().toCompletableFuture())
        .failsWithin(10, TimeUnit.SECONDS)
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(e.failureCode()).isEqualTo(IngestFailure.INVALID.code());
          assertThat(e.getMessage()).contains("customerId");
        });
    assertThat(store.touchpoints).isEmpty();
    String ndjson = purchase("v3", "c-v", 1).encode() + "\n" + purchase("v4", "c-v", 2).encode() + "\n";
    assertThat(vertx.eventBus().<JsonObject>request(Addresses.TOUCHPOINTS, ndjson).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).body()).isEqualTo(new JsonObject().put("accepted", 2).put("duplicates", 0));
  }

  @Test
  void aTouchpointTheStoreRefusesFailsOnlyItsOwnRequestAndItsNeighboursCommit() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    start(new Ingest.Options(1, 1_000, 500, 1_000, 10_000));
    store.refused = "poison";
    CountDownLatch gate = new CountDownLatch(1);
    store.writeGate = gate; // let the requests queue up, so that they share one group commit
    var first = vertx.eventBus().request(Addresses.TOUCHPOINTS, new JsonArray().add(purchase("warm-up", "c0", 1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> store.writesWaiting.get() == 1);
    var good = new java.util.ArrayList<io.vertx.core.Future<io.vertx.core.eventbus.Message<Object>>>();
    for (int i = 0; i < 6; i++) {
      good.add(vertx.eventBus().request(Addresses.TOUCHPOINTS, new JsonArray().add(purchase("ok-" + i, "c" + i, 1))));
    }
    var poisoned = vertx.eventBus().request(Addresses.TOUCHPOINTS, new JsonArray().add(purchase("poison", "c-p", 1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> ingest.queued() == 7);
    store.writeGate = null;
    gate.countDown();
    first.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (var f : good) {
      assertThat(((JsonObject) f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body())
          .getInteger("accepted")).isEqualTo(1);
    }
    assertThat(poisoned.toCompletionStage().toCompletableFuture())
        .failsWithin(10, TimeUnit.SECONDS)
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(ReplyException.class,
            e -> assertThat(e.failureCode()).as("the client's to fix, not to retry").isEqualTo(IngestFailure.INVALID.code()));
    assertThat(store.touchpoints).containsKeys("ok-0", "ok-5").doesNotContainKey("poison");
  }

  @Test
  void aPartitionWhoseBatchMakesNoProgressIsSeenStalledAndWellAgainOnceItMovesOn() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    store.writeGate = gate;
    var stuck = vertx.eventBus().request(Addresses.TOUCHPOINTS, new JsonArray().add(purchase("s1", "c-s", 1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> store.writesWaiting.get() == 1);
    Thread.sleep(300);
    assertThat(ingest.watch().longestStall()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    gate.countDown();
    stuck.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(ingest.watch()).isEqualTo(Ingest.PartitionHealth.GOOD);
  }
}
