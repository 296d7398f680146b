package io.rapport.routes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.rapport.messages.IngestResult;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts what each channel brought in, as {@code rapport_channel_messages_total{channel,outcome}}: touchpoints the
 * engine accepted as new, touchpoints it had already stored (a redelivery), and messages refused before the engine
 * saw them (a broker message, a request, a file). The server binds one as {@value #BEAN}; routes call it.
 */
public final class ChannelMessages {
  /** The name routes refer to it by. */
  public static final String BEAN = "channelMessages";
  public static final String METRIC = "rapport.channel.messages";
  public static final String ACCEPTED = "accepted";
  public static final String DUPLICATE = "duplicate";
  public static final String REJECTED = "rejected";

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public ChannelMessages(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts the engine's answer to one batch from {@code channel}: {"accepted": n, "duplicates": m}. */
  public void counted(String channel, JsonObject engineReply) {
    IngestResult result = engineReply == null ? IngestResult.NONE : IngestResult.fromJson(engineReply);
    add(channel, ACCEPTED, result.accepted());
    add(channel, DUPLICATE, result.duplicates());
  }

  /** Counts {@code messages} refused from {@code channel} (sent to its dead letter, or answered 4xx). */
  public void rejected(String channel, int messages) {
    add(channel, REJECTED, messages);
  }

  /** Counts one message refused from {@code channel}. */
  public void rejected(String channel) {
    rejected(channel, 1);
  }

  /** The count so far, for tests and tools. */
  public double count(String channel, String outcome) {
    return counter(channel, outcome).count();
  }

  private void add(String channel, String outcome, int n) {
    if (n > 0) {
      counter(channel, outcome).increment(n);
    }
  }

  private Counter counter(String channel, String outcome) {
    return counters.computeIfAbsent(channel + '/' + outcome, k -> Counter.builder(METRIC)
        .description("Messages each channel brought in: touchpoints accepted, duplicates, and messages rejected")
        .tag("channel", channel).tag("outcome", outcome).register(registry));
  }
}
