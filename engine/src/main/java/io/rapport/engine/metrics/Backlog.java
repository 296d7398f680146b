package io.rapport.engine.metrics;

/**
 * What waits in a broker for one of the server's channels: the seam between the lag gauge and a broker's client.
 * One thread reads and closes it; an implementation connects at its first read, not when it is made, so that a
 * broker down at start delays nothing.
 */
public interface Backlog extends AutoCloseable {
  /** The channel's name, as {@code rapport_channel_messages_total} names it: kafka, rabbitmq. */
  String channel();

  /**
   * Asks the broker how many messages wait for the channel now.
   *
   * @throws Exception when the broker cannot be reached or does not answer in time
   */
  long waiting() throws Exception;

  /** Closes the broker client, if a read opened one. */
  @Override
  void close();
}
