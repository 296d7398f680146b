package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.engine.store.ClaimedTimers;
import io.rapport.engine.store.Decided;
import io.rapport.engine.store.DueTimer;
import io.rapport.engine.store.jdbc.JdbcStore;
import io.rapport.engine.store.WriteBatch;
import io.rapport.rules.Decision;
import io.rapport.rules.TimerRequest;
import io.rapport.rules.Touchpoint;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Timers as the store keeps them, the same on H2 and on PostgreSQL: scheduling a name again moves the
 * pending timer, later (postponed in place, moved on when its first time comes) or earlier, and a timer
 * fires once, at the time it was last given.
 */
class StoredTimersIT {
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final String INACTIVE = "inactive-90";
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private final AtomicInteger ids = new AtomicInteger();
  @RegisterExtension final TestStores stores = new TestStores();
  private JdbcStore store;

  private void open(String backend) throws Exception {
    store = stores.open(backend);
  }

  /** A purchase whose rules (re)schedule the customer's inactivity timer for {@code due}. */
  private void purchaseScheduling(String customer, Instant due) {
    String id = "p-" + ids.incrementAndGet();
    Touchpoint purchase = new Touchpoint(id, customer, "purchase", now, "web", BigDecimal.TEN, "EUR", Map.of());
    TimerRequest timer = new TimerRequest(customer, INACTIVE, due, Map.of("days", 90), "Inactive customers are at risk", id);
    store.write(new WriteBatch(List.of(new Decided(purchase, new Decision(List.of(), List.of(), List.of(timer), List.of(), null))),
        List.of(), now));
  }

  /** What the server writes once a claimed timer's touchpoint is decided. */
  private void recordFiring(DueTimer t) {
    Touchpoint fired = Touchpoint.timer(t.customerId(), t.name(), t.dueAt(), t.payload());
    store.write(new WriteBatch(List.of(new Decided(fired, new Decision(List.of(), List.of(), List.of(), List.of(), null))),
        List.of(), now));
  }

  private List<DueTimer> claimAt(Instant at) {
    return store.claimDueTimers(at, 100, LEASE).due();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aTimerScheduledAgainForLaterFiresOnlyAtItsNewTime(String backend) throws Exception {
    open(backend);
    Instant first = now.minus(Duration.ofMinutes(5));
    Instant later = now.plus(Duration.ofHours(1));
    purchaseScheduling("c-1", first);
    purchaseScheduling("c-1", later);

    assertThat(claimAt(now)).as("the first time has passed, but the timer was moved on").isEmpty();
    assertThat(claimAt(now)).isEmpty();
    assertThat(store.pendingTimers()).isEqualTo(1);
    List<DueTimer> due = claimAt(later);
    assertThat(due).singleElement().satisfies(t -> {
      assertThat(t.dueAt()).isEqualTo(later);
      assertThat(t.payload()).containsEntry("days", 90);
    });
    recordFiring(due.get(0));
    assertThat(store.pendingTimers()).isZero();
    assertThat(claimAt(later.plus(Duration.ofDays(1)))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aTimerScheduledAgainForEarlierFiresAtTheEarlierTime(String backend) throws Exception {
    open(backend);
    Instant first = now.plus(Duration.ofHours(1));
    Instant earlier = now.minus(Duration.ofMinutes(1));
    purchaseScheduling("c-2", first);
    purchaseScheduling("c-2", earlier);

    assertThat(claimAt(now)).singleElement().satisfies(t -> assertThat(t.dueAt()).isEqualTo(earlier));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void theLastTimeGivenWinsAfterSeveralReschedules(String backend) throws Exception {
    open(backend);
    Instant t1 = now.minus(Duration.ofHours(3));
    Instant t2 = now.minus(Duration.ofHours(1));
    Instant t3 = now.plus(Duration.ofHours(2));
    purchaseScheduling("c-3", t1);
    purchaseScheduling("c-3", t3);
    purchaseScheduling("c-3", t2);

    assertThat(claimAt(now)).singleElement().satisfies(t -> assertThat(t.dueAt()).isEqualTo(t2));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aTimerPostponedWhileItFiresIsKeptForItsNewTime(String backend) throws Exception {
    open(backend);
    Instant first = now.minus(Duration.ofMinutes(1));
    Instant later = now.plus(Duration.ofHours(1));
    purchaseScheduling("c-4", first);
    List<DueTimer> firing = claimAt(now);
    assertThat(firing).hasSize(1);

    purchaseScheduling("c-4", later); // a purchase arrives while the timer's touchpoint is decided
    recordFiring(firing.get(0));

    assertThat(store.pendingTimers()).as("the purchase's timer is not the one that fired").isEqualTo(1);
    assertThat(claimAt(now.plus(LEASE).plusSeconds(1))).isEmpty();
    assertThat(claimAt(later)).singleElement().satisfies(t -> assertThat(t.dueAt()).isEqualTo(later));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aClaimCountsTimersItMovedOnSoTheSchedulerLooksAgainAtOnce(String backend) throws Exception {
    open(backend);
    for (int i = 0; i < 3; i++) {
      purchaseScheduling("c-m" + i, now.minus(Duration.ofMinutes(10)));
      purchaseScheduling("c-m" + i, now.plus(Duration.ofHours(1)));
    }
    purchaseScheduling("c-due", now.minus(Duration.ofMinutes(5)));

    ClaimedTimers first = store.claimDueTimers(now, 3, LEASE);
    assertThat(first.due()).isEmpty();
    assertThat(first.tookAll(3)).isTrue();
    ClaimedTimers second = store.claimDueTimers(now, 3, LEASE);
    assertThat(second.due()).extracting(DueTimer::customerId).containsExactly("c-due");
    assertThat(second.tookAll(3)).isFalse();
  }
}
