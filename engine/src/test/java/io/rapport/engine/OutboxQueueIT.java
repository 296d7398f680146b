package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.engine.store.CustomerJourney;
import io.rapport.engine.store.Decided;
import io.rapport.engine.store.Delivery;
import io.rapport.engine.store.jdbc.JdbcStore;
import io.rapport.engine.store.OutboxAction;
import io.rapport.engine.store.WriteBatch;
import io.rapport.rules.ActionRequest;
import io.rapport.rules.Decision;
import io.rapport.rules.Touchpoint;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The outbox as the relay sees it, on H2 and on PostgreSQL: a pending action is claimed by one relay at a time until
 * its lease ends, leaves the queue once delivered or given up, and comes back when a retry is due.
 */
class OutboxQueueIT {
  private static final Duration LEASE = Duration.ofMinutes(1);
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  @RegisterExtension final TestStores stores = new TestStores();

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aClaimedActionWaitsForItsLeaseToEndBeforeAnotherRelayTakesIt(String backend) throws Exception {
    JdbcStore store = stores.open(backend);
    store.write(purchases(3, null));

    List<OutboxAction> first = store.claimDueActions(now, 10, LEASE);
    assertThat(first).extracting(OutboxAction::idempotencyKey).containsExactly("p-0/0", "p-1/0", "p-2/0");
    assertThat(first).allSatisfy(a -> assertThat(a.attempts()).isZero());
    assertThat(store.claimDueActions(now.plusSeconds(30), 10, LEASE)).as("within the lease").isEmpty();
    assertThat(store.claimDueActions(now.plus(LEASE).plusSeconds(1), 10, LEASE)).as("after the lease")
        .extracting(OutboxAction::idempotencyKey).containsExactly("p-0/0", "p-1/0", "p-2/0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aSentOrFailedActionLeavesTheQueueAndOneToRetryComesBackWhenDue(String backend) throws Exception {
    JdbcStore store = stores.open(backend);
    List<OutboxAction> claimed = store.write(purchases(3, now.plus(LEASE))); // claimed as they are written
    assertThat(claimed).hasSize(3);
    assertThat(store.claimDueActions(now, 10, LEASE)).as("claimed already").isEmpty();

    Instant retryAt = now.plusSeconds(10);
    store.recordDeliveries(List.of(
        new Delivery(claimed.get(0).id(), Delivery.Status.SENT, 1, now, null, null),
        new Delivery(claimed.get(1).id(), Delivery.Status.FAILED, 1, now, null, "410 Gone"),
        new Delivery(claimed.get(2).id(), Delivery.Status.PENDING, 1, now, retryAt, "503 Service Unavailable")));

    assertThat(store.claimDueActions(retryAt.minusMillis(1), 10, LEASE)).as("before the retry is due").isEmpty();
    List<OutboxAction> retried = store.claimDueActions(retryAt, 10, LEASE);
    assertThat(retried).extracting(OutboxAction::idempotencyKey, OutboxAction::attempts).containsExactly(
        org.assertj.core.groups.Tuple.tuple("p-2/0", 1));
    assertThat(store.claimDueActions(now.plus(Duration.ofDays(1)), 10, LEASE)).as("a day on, after every lease")
        .extracting(OutboxAction::idempotencyKey).containsExactly("p-2/0");

    assertThat(statuses(store, 3)).containsExactly("sent", "failed", "pending");
    store.recordDeliveries(List.of(new Delivery(claimed.get(2).id(), Delivery.Status.SENT, 2, retryAt, null, null)));
    assertThat(store.claimDueActions(now.plus(Duration.ofDays(1)), 10, LEASE)).isEmpty();
    assertThat(statuses(store, 3)).containsExactly("sent", "failed", "sent");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aCommitClaimsItsNewPendingActionsForItsOwnRelayInDecisionOrder(String backend) throws Exception {
    JdbcStore store = stores.open(backend);
    List<OutboxAction> claimed = store.write(purchases(3, now.plus(LEASE)));

    assertThat(claimed).extracting(OutboxAction::idempotencyKey).containsExactly("p-0/0", "p-1/0", "p-2/0");
    assertThat(claimed).extracting(OutboxAction::template).containsOnly("welcome");
    assertThat(claimed.get(1).params()).containsEntry("n", 1);
    assertThat(claimed).extracting(OutboxAction::id).doesNotHaveDuplicates().isSorted();
    assertThat(store.claimDueActions(now.plusSeconds(30), 10, LEASE)).as("no poll takes them during the claim").isEmpty();
    assertThat(store.claimDueActions(now.plus(LEASE).plusSeconds(1), 10, LEASE)).as("a poll after the claim ended")
        .extracting(OutboxAction::id).containsExactlyElementsOf(claimed.stream().map(OutboxAction::id).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aCommitWithoutAClaimLeavesItsActionsToThePoll(String backend) throws Exception {
    JdbcStore store = stores.open(backend);
    assertThat(store.write(purchases(2, null))).isEmpty();
    assertThat(store.claimDueActions(now, 10, LEASE)).extracting(OutboxAction::idempotencyKey)
        .containsExactly("p-0/0", "p-1/0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aSuppressedActionIsStoredButNeverQueued(String backend) throws Exception {
    JdbcStore store = stores.open(backend);
    Touchpoint purchase = purchase(0);
    ActionRequest suppressed = new ActionRequest(purchase.customerId(), "email", "welcome", Map.of(), "Welcome",
        purchase.id(), 0, "the customer unsubscribed");
    store.write(new WriteBatch(
        List.of(new Decided(purchase, new Decision(List.of(), List.of(suppressed), List.of(), List.of(), null))),
        List.of(), now, List.of(), now.plus(LEASE)));

    assertThat(store.claimDueActions(now.plus(Duration.ofDays(1)), 10, LEASE)).isEmpty();
    assertThat(statuses(store, 1)).containsExactly("suppressed");
  }

  /** Purchases of customers c-0 .. c-(n-1), each with one welcome e-mail. */
  private WriteBatch purchases(int n, Instant claimUntil) {
    List<Decided> decided = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Touchpoint purchase = purchase(i);
      ActionRequest welcome = new ActionRequest(purchase.customerId(), "email", "welcome", Map.of("n", i), "Welcome",
          purchase.id(), 0, null);
      decided.add(new Decided(purchase, new Decision(List.of(), List.of(welcome), List.of(), List.of(), null)));
    }
    return new WriteBatch(decided, List.of(), now, List.of(), claimUntil);
  }

  private Touchpoint purchase(int i) {
    return new Touchpoint("p-" + i, "c-" + i, "purchase", now, "web", BigDecimal.TEN, "EUR", Map.of());
  }

  private static List<String> statuses(JdbcStore store, int customers) {
    List<String> statuses = new ArrayList<>();
    for (int i = 0; i < customers; i++) {
      for (CustomerJourney.ActionRecord a : store.journey("c-" + i).actions()) {
        statuses.add(a.status());
      }
    }
    return statuses;
  }
}
