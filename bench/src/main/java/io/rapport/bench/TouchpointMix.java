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
  private final int rounds;
  private long next;

  public TouchpointMix(long seed, int customers, String runId, Instant start) {
    this(seed, customers, runId, start, 1, 0, 0);
  }

  /**
   * A stream over the customers c-i with i % stride == offset only: one client per such class
   * keeps each customer's touchpoints in the order they were generated. The stream first goes
   * through its customers in order {@code rounds} times, so each has that many touchpoints of
   * history, then picks them at random.
   */
  TouchpointMix(long seed, int customers, String runId, Instant start, int stride, int offset, int rounds) {
    this.random = new SplittableRandom(seed);
    this.customers = customers;
    this.runId = runId;
    this.start = start;
    this.stride = stride;
    this.offset = offset;
    this.rounds = rounds;
  }

  /** Touchpoints this stream sends before it picks customers at random. */
  long inRounds() {
    return (long) slots() * rounds;
  }

  /** Customers this stream picks from. */
  int slots() {
    return Math.max(1, (customers - offset + stride - 1) / stride);
  }

  /** The next touchpoint as JSON. */
  public JsonObject next() {
    Drawn d = draw();
    JsonObject t = new JsonObject()
        .put("id", d.id)
        .put("customerId", d.customer)
        .put("occurredAt", d.occurredAt.toString())
        .put("channel", d.channel)
        .put("type", d.type);
    if (d.value != null) {
      t.put("value", d.value).put("currency", "EUR");
    }
    if (d.propertyName != null) {
      t.put("properties", new JsonObject().put(d.propertyName, d.propertyValue));
    }
    return t;
  }

  /**
   * Appends the next touchpoint as one NDJSON line, the same touchpoint {@link #next()} gives:
   * written directly, so that the load clients take less of the machine they share with the server.
   */
  public void appendNextLine(StringBuilder b) {
    Drawn d = draw();
    b.append("{\"id\":\"").append(d.id).append("\",\"customerId\":\"").append(d.customer)
        .append("\",\"occurredAt\":\"").append(d.occurredAt).append("\",\"channel\":\"").append(d.channel)
        .append("\",\"type\":\"").append(d.type).append('"');
    if (d.value != null) {
      b.append(",\"value\":").append(d.value).append(",\"currency\":\"EUR\"");
    }
    if (d.propertyName != null) {
      b.append(",\"properties\":{\"").append(d.propertyName).append("\":");
      if (d.propertyValue instanceof Integer) {
        b.append(d.propertyValue);
      } else {
        b.append('"').append(d.propertyValue).append('"');
      }
      b.append('}');
    }
    b.append("}\n");
  }

  /** One touchpoint's values; every string is plain ASCII that needs no JSON escape. */
  private record Drawn(String id, String customer, Instant occurredAt, String channel, String type, Integer value,
      String propertyName, Object propertyValue) {}

  private Drawn draw() {
    long n = next++;
    int slots = slots();
    int drawn = random.nextInt(slots);
    String customer = "c-" + (offset + stride * (n < inRounds() ? (int) (n % slots) : drawn));
    String id = runId + "-" + offset + "-" + n;
    Instant occurredAt = start.plusMillis(n);
    String channel = CHANNELS[random.nextInt(CHANNELS.length)];
    int roll = random.nextInt(100);
    if (roll < 40) {
      return new Drawn(id, customer, occurredAt, channel, "web_visit", null, "page", "/p/" + random.nextInt(500));
    } else if (roll < 65) {
      return new Drawn(id, customer, occurredAt, channel, "email_open", null, "campaign", "nov-" + random.nextInt(5));
    } else if (roll < 85) {
      return new Drawn(id, customer, occurredAt, channel, "purchase", 5 + random.nextInt(200), null, null);
    } else if (roll < 92) {
      return new Drawn(id, customer, occurredAt, channel, "support_ticket", null, "topic", "delivery");
    } else if (roll < 97) {
      return new Drawn(id, customer, occurredAt, channel, "nps_response", null, "score", random.nextInt(11));
    } else {
      return new Drawn(id, customer, occurredAt, channel, "complaint", null, "text", "late parcel");
    }
  }
}
