package io.rapport.engine.store;

import io.rapport.rules.Customer;
import io.rapport.rules.Touchpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Where customers, touchpoints, transitions and the action outbox live. Blocking: call it off the event loop. */
public interface Store extends AutoCloseable {

  /** Which of these touchpoint ids are already stored. */
  Set<String> knownTouchpoints(Collection<String> ids);

  /** What became of each of these touchpoints that is stored ({@code decided}, {@code rule_error}), by id. */
  Map<String, String> outcomes(Collection<String> ids);

  /** The stored touchpoints among these ids. */
  List<StoredTouchpoint> storedTouchpoints(Collection<String> ids);

  /**
   * The touchpoints with this outcome, by id after {@code afterId} (null for the first page), at most {@code limit}:
   * the rule errors to look at and decide again. Served by an index: only {@code rule_error} is listed.
   */
  List<StoredTouchpoint> touchpointsWithOutcome(String outcome, String afterId, int limit);

  /** The stored customers among these ids. */
  Map<String, Customer> customers(Collection<String> ids);

  Optional<Customer> customer(String id);

  /**
   * A page of customers in id order (see {@link CustomerFilter}). Served by an index (the primary key, or
   * customers_by_stage with a stage): a page reads its own rows, however many customers there are.
   */
  List<Customer> customers(CustomerFilter filter);

  /**
   * Writes a group commit in one transaction. Customers of version 0 are inserted, others
   * updated only if their stored version is still the one they were read at.
   *
   * @return the new pending actions claimed until {@code batch.claimUntil()} (when set), in decision order
   * @throws TouchpointAlreadyStored if a touchpoint of the batch is stored already: nothing is written, and the
   *     writer, which rarely meets one, looks the batch's ids up with {@link #knownTouchpoints} only then
   */
  List<OutboxAction> write(WriteBatch batch);

  CustomerJourney journey(String customerId);

  /**
   * The slices a census of the store is taken in, each at most {@code pages} heap pages of one table, so that no
   * single count holds a connection, and a core, for long. Each table's last slice runs to its end. A store that
   * cannot cut a table by pages gives it whole.
   */
  List<CensusSlice> censusSlices(int pages);

  /**
   * Customers per stage, or timers pending, in one slice. Each slice is counted in its own snapshot, so a census
   * of a store being written is off by the rows that moved between slices while it was taken.
   */
  Census census(CensusSlice slice);

  /**
   * Claims up to {@code limit} pending actions due at {@code now}: they are not due again before
   * {@code now + lease}, so a crashed relay's claims come back on their own.
   */
  default List<OutboxAction> claimDueActions(Instant now, int limit, Duration lease) {
    return claimDueActions(now, limit, lease, ChannelFilter.all());
  }

  /** Claims as {@link #claimDueActions(Instant, int, Duration)} does, only actions of the channels {@code filter} admits. */
  List<OutboxAction> claimDueActions(Instant now, int limit, Duration lease, ChannelFilter filter);

  /** Actions with this status, by id after {@code afterId}, at most {@code limit}. */
  List<ListedAction> actionsWithStatus(String status, long afterId, int limit);

  /** The outcome of asking to send a failed action again. */
  enum Retry { RETRIED, NOT_FOUND, NOT_FAILED }

  /**
   * Makes a failed action pending again, due at {@code now}, its attempts counted from zero and its idempotency key
   * unchanged; anything not failed is left as it is.
   */
  Retry retryFailedAction(long id, Instant now);

  /** Pending actions per channel, counted at once. */
  Map<String, Long> pendingActionsByChannel();

  /** The connectors paused now. */
  List<ConnectorPause> pausedConnectors();

  /** Pauses a connector (again: its first pause stays); durable, so a restart keeps it paused. */
  void pauseConnector(String connector, Instant at, String by);

  /** Resumes a connector; false when it was not paused. */
  boolean resumeConnector(String connector);

  /**
   * Makes every action held for a paused or unconfigured connector (pending, reason {@value #HELD}) due at {@code
   * now}, its reason cleared: the relay sends those whose connector takes them now and holds the rest again.
   */
  void releaseHeld(Instant now);

  /** The reason of a pending action held back because its connector is paused or has no address. */
  String HELD = "held";

  /** Records delivery results, in one transaction. */
  void recordDeliveries(List<Delivery> deliveries);

  /**
   * What the guardrails need to know of these customers before actions reach them: their attributes, and the
   * marketing actions sent to them since {@code marketingSince} (not counted when it is null). A customer the store
   * does not hold is left out.
   */
  Map<String, Recipient> recipients(Collection<String> customerIds, Instant marketingSince);

  /** Records the guardrails' verdicts on actions about to be sent, in one transaction. */
  void recordGuarded(List<Guarded> verdicts);

  /**
   * Erases a customer's personal data from every table in one transaction (see {@link Erasure}); an erasure of a
   * customer the store holds nothing of changes nothing.
   */
  Erasure erase(String customerId, Instant at);

  /** When each of these customers was erased, for those that were: their older events are not decided again. */
  Map<String, Instant> erasedAt(Collection<String> customerIds);

  /** All the store holds of a customer: every row naming them, by table, each row by column. */
  Map<String, List<Map<String, Object>>> export(String customerId);

  /**
   * Claims up to {@code limit} timers due at {@code now} that nobody holds: they are not claimed
   * again before {@code now + lease}. Firing one (deciding its timer touchpoint) deletes it. A
   * timer postponed since it was scheduled (scheduled again for later) is moved on to its new
   * time instead, and counts against {@code limit}.
   */
  ClaimedTimers claimDueTimers(Instant now, int limit, Duration lease);

  /** Timers scheduled and not yet fired, counted at once. */
  default long pendingTimers() {
    return census(CensusSlice.whole(CensusSlice.Table.TIMERS)).pendingTimers();
  }

  /**
   * Streams the stored touchpoints (not timers: a replay schedules its own) with from &lt;=
   * occurredAt &lt;= until, in time order, then arrival order.
   */
  void touchpointsBetween(Instant from, Instant until, java.util.function.Consumer<Touchpoint> sink);

  /** Every rule version, oldest first. */
  List<RuleVersion> ruleVersions();

  /** The rule version in force: the latest one. */
  Optional<RuleVersion> activeRules();

  /** Stores a rule base as the next version and returns it. */
  RuleVersion saveRules(Map<String, String> files, String checksum, Instant at, String activatedBy, String note);

  /** True when the store answers a trivial query. */
  boolean reachable();

  @Override
  void close();
}
