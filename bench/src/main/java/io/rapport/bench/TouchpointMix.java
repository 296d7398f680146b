package io.rapport.bench;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Generates a realistic stream of touchpoints: mostly visits and email opens, some purchases,
 * a few tickets, NPS answers and complaints, spread over a population of customers.
 */
public final class TouchpointMix {
  private static final String[] CHANNELS = {"web", "app", "email", "store"};
  private final SplittableRandom random;
  private final int customers;
  private final String runId;
  private final Instant start;
  private final int stride;
  private final int offset;
  private final boolean everyCustomerFirst;
  private long next;

  public TouchpointMix(long seed, int customers, String runId, Instant start) {
    this(seed, customers, runId, start, 1, 0, false);
  }

  /**
   * A stream over the customers c-i with i % stride == offset only: one client per such class
   * keeps each customer's touchpoints in the order they were generated. With {@code everyCustomerFirst}
   * the stream touches each of its customers once, in order, before it picks them at random.
   */
  TouchpointMix(long seed, int customers, String runId, Instant start, int stride, int offset, boolean everyCustomerFirst) {
    this.random = new SplittableRandom(seed);
    this.customers = customers;
    this.runId = runId;
    this.start = start;
    this.stride = stride;
    this.offset = offset;
    this.everyCustomerFirst = everyCustomerFirst;
  }

  /** Customers this stream picks from. */
  int slots() {
    return Math.max(1, (customers - offset + stride - 1) / stride);
  }

  public JsonObject next() {
    long n = next++;
    int slots = slots();
    int drawn = random.nextInt(slots);
    String customer = "c-" + (offset + stride * (everyCustomerFirst && n < slots ? (int) n : drawn));
    JsonObject t = new JsonObject()
        .put("id", runId + "-" + offset + "-" + n)
        .put("customerId", customer)
        .put("occurredAt", start.plusMillis(n).toString())
        .put("channel", CHANNELS[random.nextInt(CHANNELS.length)]);
    int roll = random.nextInt(100);
    if (roll < 40) {
      t.put("type", "web_visit").put("properties", new JsonObject().put("page", "/p/" + random.nextInt(500)));
    } else if (roll < 65) {
      t.put("type", "email_open").put("properties", new JsonObject().put("campaign", "nov-" + random.nextInt(5)));
    } else if (roll < 85) {
      t.put("type", "purchase").put("value", 5 + random.nextInt(200)).put("currency", "EUR");
    } else if (roll < 92) {
      t.put("type", "support_ticket").put("properties", new JsonObject().put("topic", "delivery"));
    } else if (roll < 97) {
      t.put("type", "nps_response").put("properties", new JsonObject().put("score", random.nextInt(11)));
    } else {
      t.put("type", "complaint").put("properties", new JsonObject().put("text", "late parcel"));
    }
    return t;
  }
}
