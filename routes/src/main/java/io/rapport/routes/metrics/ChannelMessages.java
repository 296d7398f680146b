package io.rapport.routes.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.rapport.messages.IngestResult;

/**
 * Counts what each channel brought in, as {@code rapport_channel_messages_total{channel,outcome}}: touchpoints
 * accepted and duplicate (from the engine's answer), and messages rejected (a refused request or file, whatever it
 * held) or ignored (a webhook its mapping does not take). The server binds it as {@value #BEAN}.
 */
public final class ChannelMessages {
  /** The name the server binds it under, which the routes refer to. */
  public static final String BEAN = "channelMessages";
  /** The meter; Prometheus shows it as rapport_channel_messages_total. */
  public static final String METER = "rapport.channel.messages";
  public static final String ACCEPTED = "accepted";
  public static final String DUPLICATE = "duplicate";
  public static final String REJECTED = "rejected";
  public static final String IGNORED = "ignored";
  private final MeterRegistry registry;

  public ChannelMessages(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The engine's answer to touchpoints from the channel. */
  public void answered(String channel, IngestResult result) {
    add(channel, ACCEPTED, result.accepted());
    add(channel, DUPLICATE, result.duplicates());
  }

  /** A message (request, file) refused whole. */
  public void rejected(String channel) {
    add(channel, REJECTED, 1);
  }

  /** A message that holds nothing to take. */
  public void ignored(String channel) {
    add(channel, IGNORED, 1);
  }

  private void add(String channel, String outcome, int n) {
    Counter counter = Counter.builder(METER).description("Messages the channels brought in, by outcome")
        .tag("channel", channel).tag("outcome", outcome).register(registry);
    if (n > 0) {
      counter.increment(n);
    }
  }

  /** The count so far, for tests and tools. */
  public double count(String channel, String outcome) {
    Counter c = registry.find(METER).tag("channel", channel).tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }
}
