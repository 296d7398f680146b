package io.rapport.routes.ingest;

import io.rapport.messages.RejectedInput;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * When an ingest key is configured, touchpoints need {@code Authorization: Bearer KEY}: 401 without one, 403 with
 * another (compared in constant time). With no key configured, ingestion is open.
 */
public final class IngestKey implements Processor {
  private byte[] key;

  /** The key a request must carry; empty leaves ingestion open. */
  public void setKey(String key) {
    this.key = key == null || key.isBlank() ? null : key.trim().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void process(Exchange exchange) {
    if (key == null) {
      return;
    }
    String header = exchange.getMessage().getHeader("Authorization", String.class);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new RejectedInput(401, "touchpoints need the ingest key: Authorization: Bearer KEY", null);
    }
    if (!MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8), key)) {
      throw new RejectedInput(403, "the ingest key is not valid", null);
    }
  }

  @Override
  public String toString() {
    return "IngestKey[" + (key == null ? "none" : "****") + "]";
  }
}
