package io.rapport.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rapport.rules.Customer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomerCacheTest {
  private static final Instant MONDAY = Instant.parse("2026-11-23T09:00:00Z");

  @Test
  void aCustomerDecidedAgainIsKeptInTheSameInstanceWithItsNewState() {
    CustomerCache cache = new CustomerCache(10);
    Customer first = new Customer("c-1", "NEW_CUSTOMER", MONDAY, 1, new BigDecimal("30"), MONDAY, MONDAY, null, 0,
        Map.of("tier", "silver"), 1);
    cache.put(first);

    cache.put(new Customer("c-1", "REPEAT", MONDAY.plusSeconds(60), 2, new BigDecimal("75.50"),
        MONDAY.plusSeconds(60), MONDAY.plusSeconds(60), 9, 1, Map.of("tier", "gold"), 2));

    Customer cached = cache.get("c-1");
    assertThat(cached).isSameAs(first);
    assertThat(cached.getStage()).isEqualTo("REPEAT");
    assertThat(cached.getStageSince()).isEqualTo(MONDAY.plusSeconds(60));
    assertThat(cached.getOrders()).isEqualTo(2);
    assertThat(cached.getRevenue()).isEqualByComparingTo("75.50");
    assertThat(cached.getLastPurchaseAt()).isEqualTo(MONDAY.plusSeconds(60));
    assertThat(cached.getLastActivityAt()).isEqualTo(MONDAY.plusSeconds(60));
    assertThat(cached.getLastNps()).isEqualTo(9);
    assertThat(cached.getComplaints()).isEqualTo(1);
    assertThat(cached.getAttributes()).containsExactly(Map.entry("tier", "gold"));
    assertThat(cached.getVersion()).isEqualTo(2);
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void theCopyTakenBeforeDecidingLeavesTheCachedStateAloneUntilItIsPutBack() {
    CustomerCache cache = new CustomerCache(10);
    cache.put(new Customer("c-1"));
    Customer working = cache.get("c-1").copy();
    working.takeStateOf(new Customer("c-1", "LEAD", MONDAY, 0, BigDecimal.ZERO, null, MONDAY, null, 0,
        Map.of("source", "ad"), 0));

    assertThat(cache.get("c-1").getStage()).isEqualTo(Customer.FIRST_STAGE);
    assertThat(cache.get("c-1").getAttributes()).isEmpty();

    cache.put(working);
    assertThat(cache.get("c-1").getStage()).isEqualTo("LEAD");
    assertThat(cache.get("c-1").getAttributes()).containsExactly(Map.entry("source", "ad"));
  }

  @Test
  void theLeastRecentlyUsedCustomerLeavesFirstWhenFull() {
    CustomerCache cache = new CustomerCache(2);
    cache.put(new Customer("c-1"));
    cache.put(new Customer("c-2"));
    cache.get("c-1");
    cache.put(new Customer("c-3"));

    assertThat(cache.get("c-2")).isNull();
    assertThat(cache.get("c-1")).isNotNull();
    assertThat(cache.get("c-3")).isNotNull();
  }

  @Test
  void aForgottenCustomerIsReadAgainFromTheStore() {
    CustomerCache cache = new CustomerCache(2);
    cache.put(new Customer("c-1"));
    cache.forget("c-1");

    assertThat(cache.get("c-1")).isNull();
  }

  @Test
  void aCustomerCannotTakeTheStateOfAnother() {
    assertThatThrownBy(() -> new Customer("c-1").takeStateOf(new Customer("c-2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("c-2");
  }
}
