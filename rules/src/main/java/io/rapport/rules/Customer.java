package io.rapport.rules;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A customer as the rules see it: the lifecycle stage and the standard aggregates the engine
 * keeps up to date before rules run.
 *
 * <p>Mutable on purpose: it is a working fact inside one evaluation. The engine copies it before
 * deciding and keeps the copy only once the decision is committed.
 */
public final class Customer {
  /** The stage of a customer the store has never seen. */
  public static final String FIRST_STAGE = "PROSPECT";

  private final String id;
  private String stage;
  private Instant stageSince;
  private int orders;
  private BigDecimal revenue;
  private Instant lastPurchaseAt;
  private Instant lastActivityAt;
  private Integer lastNps;
  private int complaints;
  private final Map<String, Object> attributes;
  /** What rules and callers see: a read-only view, so a change goes through journey.set. */
  private final Map<String, Object> attributesView;
  private long version;

  public Customer(String id) {
    this(id, FIRST_STAGE, null, 0, BigDecimal.ZERO, null, null, null, 0, Map.of(), 0);
  }

  public Customer(
      String id,
      String stage,
      Instant stageSince,
      int orders,
      BigDecimal revenue,
      Instant lastPurchaseAt,
      Instant lastActivityAt,
      Integer lastNps,
      int complaints,
      Map<String, Object> attributes,
      long version) {
    this.id = Objects.requireNonNull(id, "id");
    this.stage = Objects.requireNonNull(stage, "stage");
    this.stageSince = stageSince;
    this.orders = orders;
    this.revenue = revenue == null ? BigDecimal.ZERO : revenue;
    this.lastPurchaseAt = lastPurchaseAt;
    this.lastActivityAt = lastActivityAt;
    this.lastNps = lastNps;
    this.complaints = complaints;
    this.attributes = new HashMap<>(attributes == null ? Map.of() : attributes);
    this.attributesView = Collections.unmodifiableMap(this.attributes);
    this.version = version;
  }

  /** An independent copy, so a failed decision leaves the original untouched. */
  public Customer copy() {
    return new Customer(
        id,
        stage,
        stageSince,
        orders,
        revenue,
        lastPurchaseAt,
        lastActivityAt,
        lastNps,
        complaints,
        attributes,
        version);
  }

  /**
   * Updates the standard aggregates with one touchpoint, before the rules see it: orders and
   * revenue for purchases (refunds take revenue back), last activity, last NPS score,
   * complaints. Only {@link RuleBook#decide} calls it: a rule changes a customer through the
   * journey only.
   */
  void absorb(Touchpoint t) {
    if (Touchpoint.TIMER.equals(t.type())) {
      return; // a timer is the passing of time, not something the customer did
    }
    Instant at = t.occurredAt();
    if (lastActivityAt == null || at.isAfter(lastActivityAt)) {
      lastActivityAt = at;
    }
    switch (t.type()) {
      case "purchase" -> {
        orders++;
        if (t.value() != null) {
          revenue = revenue.add(t.value());
        }
        if (lastPurchaseAt == null || at.isAfter(lastPurchaseAt)) {
          lastPurchaseAt = at;
        }
      }
      case "refund" -> {
        if (t.value() != null) {
          revenue = revenue.subtract(t.value().abs());
        }
      }
      case "complaint" -> complaints++;
      case "nps_response" -> {
        Number score = t.number("score");
        if (score != null) {
          lastNps = score.intValue();
        }
      }
      case Consent.UNSUBSCRIBE -> consent(t, false);
      case Consent.SUBSCRIBE -> consent(t, true);
      default -> {
        // other types only count as activity
      }
    }
  }

  /**
   * Records a change of consent for the touchpoint's channel, unless a later change is recorded already: a late
   * subscribe must not undo a newer unsubscribe.
   */
  private void consent(Touchpoint t, boolean given) {
    String channel = Consent.channelOf(t);
    if (channel == null) {
      return;
    }
    Object last = attributes.get(Consent.changedAt(channel));
    try {
      if (last != null && Instant.parse(last.toString()).isAfter(t.occurredAt())) {
        return;
      }
    } catch (java.time.format.DateTimeParseException e) {
      // a rule wrote something else there: this change is the one on record from now on
    }
    attributes.put(Consent.attribute(channel), given);
    attributes.put(Consent.changedAt(channel), t.occurredAt().toString());
  }

  /**
   * Whether this state equals {@code before} (the same customer, earlier): then the engine need
   * not store it again. A late touchpoint older than the last activity changes nothing, say.
   * Attribute values compare by {@code equals}.
   */
  public boolean unchangedSince(Customer before) {
    return id.equals(before.id)
        && version == before.version
        && stage.equals(before.stage)
        && Objects.equals(stageSince, before.stageSince)
        && orders == before.orders
        && revenue.equals(before.revenue)
        && Objects.equals(lastPurchaseAt, before.lastPurchaseAt)
        && Objects.equals(lastActivityAt, before.lastActivityAt)
        && Objects.equals(lastNps, before.lastNps)
        && complaints == before.complaints
        && attributes.equals(before.attributes);
  }

  /** Moves to a stage; the caller records the transition. */
  void enter(String newStage, Instant at) {
    this.stage = newStage;
    this.stageSince = at;
  }

  /**
   * Takes the state of {@code later}, this same customer after a committed decision. A cache
   * that keeps one instance per customer this way leaves no old copy behind for the garbage
   * collector to find in its old generation.
   */
  public void takeStateOf(Customer later) {
    if (!id.equals(later.id)) {
      throw new IllegalArgumentException("customer " + later.id + " is not " + id);
    }
    stage = later.stage;
    stageSince = later.stageSince;
    orders = later.orders;
    revenue = later.revenue;
    lastPurchaseAt = later.lastPurchaseAt;
    lastActivityAt = later.lastActivityAt;
    lastNps = later.lastNps;
    complaints = later.complaints;
    if (!attributes.equals(later.attributes)) {
      attributes.clear();
      attributes.putAll(later.attributes);
    }
    version = later.version;
  }

  /** Marks this state as written once more; the store uses it for optimistic checks. */
  public void advanceVersion() {
    version++;
  }

  public String getId() {
    return id;
  }

  public String getStage() {
    return stage;
  }

  public Instant getStageSince() {
    return stageSince;
  }

  public int getOrders() {
    return orders;
  }

  public BigDecimal getRevenue() {
    return revenue;
  }

  public Instant getLastPurchaseAt() {
    return lastPurchaseAt;
  }

  public Instant getLastActivityAt() {
    return lastActivityAt;
  }

  public Integer getLastNps() {
    return lastNps;
  }

  public int getComplaints() {
    return complaints;
  }

  /** Free-form attributes set by rules or integrations (email, consent, ...); read-only. */
  public Map<String, Object> getAttributes() {
    return attributesView;
  }

  public Object attribute(String name) {
    return attributes.get(name);
  }

  /** An attribute holding an ISO-8601 instant, or null when absent or not one. */
  public Instant instantAttribute(String name) {
    Object v = attributes.get(name);
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(v.toString());
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** Sets (or with null removes) an attribute; true when that changed anything. */
  boolean setAttribute(String name, Object value) {
    Object old = value == null ? attributes.remove(name) : attributes.put(name, value);
    return !java.util.Objects.equals(old, value);
  }

  public long getVersion() {
    return version;
  }

  @Override
  public String toString() {
    return "Customer[" + id + ", " + stage + ", orders=" + orders + ", revenue=" + revenue + "]";
  }
}
