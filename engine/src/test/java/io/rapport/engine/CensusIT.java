package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.rapport.engine.store.Census;
import io.rapport.engine.store.CensusSlice;
import io.rapport.engine.store.Decided;
import io.rapport.engine.store.jdbc.JdbcStore;
import io.rapport.engine.store.WriteBatch;
import io.rapport.rules.Customer;
import io.rapport.rules.Decision;
import io.rapport.rules.TimerRequest;
import io.rapport.rules.Touchpoint;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The census behind the stage and timer gauges, on H2 and on PostgreSQL: counted a slice at a time, it counts every
 * customer and timer once, those added while it is taken included.
 */
class CensusIT {
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  @RegisterExtension final TestStores stores = new TestStores();
  private JdbcStore store;

  private void open(String backend) throws Exception {
    store = stores.open(backend);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aCensusInSlicesCountsEveryCustomerAndTimerOnceThoseAddedMeanwhileIncluded(String backend) throws Exception {
    open(backend);
    addCustomers("lead", 2000, "LEAD");
    addCustomers("new", 1000, "NEW_CUSTOMER");
    scheduleTimers(40);

    List<CensusSlice> slices = store.censusSlices(4);
    addCustomers("late", 500, "LEAD"); // after the tables were cut: they land past the last slice's first page

    if (backend.equals("postgresql")) {
      assertThat(slices).filteredOn(s -> s.table() == CensusSlice.Table.CUSTOMERS).hasSizeGreaterThan(5);
    } else {
      assertThat(slices).as("H2 counts each table whole")
          .containsExactly(CensusSlice.whole(CensusSlice.Table.CUSTOMERS), CensusSlice.whole(CensusSlice.Table.TIMERS));
    }
    Census census = slices.stream().map(store::census).reduce(Census.NONE, Census::plus);
    assertThat(census.customersPerStage()).containsOnly(entry("LEAD", 2500L), entry("NEW_CUSTOMER", 1000L));
    assertThat(census.pendingTimers()).isEqualTo(40).isEqualTo(store.pendingTimers());
  }

  @Test
  void aSliceOfNoPagesIsRefused() throws Exception {
    open("h2");
    assertThatThrownBy(() -> store.censusSlices(0)).isInstanceOf(IllegalArgumentException.class);
  }

  private void addCustomers(String prefix, int count, String stage) {
    List<Customer> customers = IntStream.range(0, count)
        .mapToObj(i -> new Customer(prefix + "-" + i, stage, now, 0, BigDecimal.ZERO, null, now, null, 0, Map.of(), 0))
        .toList();
    store.write(new WriteBatch(List.of(), customers, now));
  }

  /** Purchases whose rules schedule an inactivity timer, one customer each. */
  private void scheduleTimers(int count) {
    List<Decided> decided = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String customer = "lead-" + i;
      Touchpoint purchase = new Touchpoint("p-" + i, customer, "purchase", now, "web", BigDecimal.TEN, "EUR", Map.of());
      TimerRequest timer = new TimerRequest(customer, "inactive-90", now.plusSeconds(3600), Map.of(), "Inactive customers", purchase.id());
      decided.add(new Decided(purchase, new Decision(List.of(), List.of(), List.of(timer), List.of(), null)));
    }
    store.write(new WriteBatch(decided, List.of(), now));
  }
}
