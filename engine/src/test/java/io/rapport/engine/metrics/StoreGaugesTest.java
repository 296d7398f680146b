package io.rapport.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rapport.engine.store.CensusSlice;
import io.rapport.engine.store.InMemoryStore;
import io.rapport.rules.Customer;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StoreGaugesTest {
  private static final Duration REFRESH = Duration.ofSeconds(15);
  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final InMemoryStore store = new InMemoryStore();
  private StoreGauges gauges;

  @AfterEach
  void close() {
    if (gauges != null) {
      gauges.stop();
    }
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void eachSliceIsFollowedByAPauseOfAHundredTimesItsCountSoCountingCostsTheStoreAtMostOnePercent() {
    assertThat(StoreGauges.pauseAfter(100, Duration.ofMillis(6), Duration.ofMillis(5))).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void oneSlowSliceAloneStretchesNothing() {
    // a slice that met a checkpoint or a cold cache
    assertThat(StoreGauges.pauseAfter(100, Duration.ofMillis(5), Duration.ofMillis(400))).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void quickCensusesComeEveryMetricsRefresh() {
    assertThat(StoreGauges.nextCensusIn(REFRESH, Duration.ofMillis(40), Duration.ofMillis(300)))
        .isEqualTo(Duration.ofMillis(14_960));
  }

  @Test
  void aCensusLongerThanTheRefreshStartsTheNextAfterItsLastPause() {
    // a million customers: a census of some 2,500 ms of counting spread over four minutes
    assertThat(StoreGauges.nextCensusIn(REFRESH, Duration.ofSeconds(250), Duration.ofMillis(800)))
        .isEqualTo(Duration.ofMillis(800));
  }

  @Test
  void aCensusCountsEverySliceOnceAndShowsTheirSum() {
    addCustomers(1500, "LEAD");
    addCustomers(1000, "NEW_CUSTOMER");
    start();

    await().atMost(Duration.ofSeconds(10)).until(() -> customersIn("LEAD") == 1500 && customersIn("NEW_CUSTOMER") == 1000);
    List<Long> customerSlices = LongStream.iterate(0, page -> page < 2500, page -> page + StoreGauges.SLICE_PAGES).boxed().toList();
    assertThat(List.copyOf(store.counted).subList(0, customerSlices.size() + 1)).extracting(CensusSlice::fromPage)
        .as("each customer slice once, then the timers").containsExactlyElementsOf(concat(customerSlices, 0L));
    assertThat(registry.get(StoreGauges.REFRESH).timer().count()).isPositive();
  }

  @Test
  void aCensusThatFailsMidwayShowsNothingAndIsTakenAgainFromItsFirstSlice() {
    addCustomers(2500, "LEAD");
    store.failCensusAtPage = (long) StoreGauges.SLICE_PAGES; // the second slice
    start(Duration.ofSeconds(2));

    await().atMost(Duration.ofSeconds(5)).until(() -> store.counted.size() >= 2);
    // the first slice's 256 customers were counted, but a census missing slices is not shown
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> customersIn("LEAD") == -1);
    await().atMost(Duration.ofSeconds(10)).until(() -> customersIn("LEAD") == 2500);
    assertThat(List.copyOf(store.counted).subList(0, 3)).extracting(CensusSlice::fromPage)
        .as("the first slice, the failed one, then the first again").containsExactly(0L, (long) StoreGauges.SLICE_PAGES, 0L);
  }

  private void start() {
    start(Duration.ofMillis(50));
  }

  private void start(Duration refresh) {
    gauges = new StoreGauges(vertx, store, new JourneyMetrics(registry), new StoreGauges.Options(refresh, 1));
    gauges.start();
  }

  private void addCustomers(int count, String stage) {
    for (int i = 0; i < count; i++) {
      String id = stage + "-" + i;
      store.customers.put(id, new Customer(id, stage, null, 0, BigDecimal.ZERO, null, null, null, 0, Map.of(), 1));
    }
  }

  private static List<Long> concat(List<Long> pages, long page) {
    return Stream.concat(pages.stream(), Stream.of(page)).toList();
  }

  private double customersIn(String stage) {
    Gauge gauge = registry.find("rapport.customers").tag("stage", stage).gauge();
    return gauge == null ? -1 : gauge.value();
  }
}
