package io.rapport.routes.ingest;

/** A message a channel refused, as it came (its key, if the broker has one, and its bytes), with the reason. */
public record DeadLetter(String key, byte[] value, String reason) {
  /** The header (Kafka, AMQP) or user property (MQTT) a dead letter carries its reason in. */
  public static final String REASON_HEADER = "rapport-reason";
}
