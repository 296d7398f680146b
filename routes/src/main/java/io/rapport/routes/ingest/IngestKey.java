package io.rapport.routes.ingest;

import io.rapport.messages.RejectedInput;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Touchpoints need {@code Authorization: Bearer KEY} with one of the accepted keys (the ingest key, or an admin key):
 * 401 without one, 403 with another, compared in constant time. Only a server told to open ingestion takes them
 * without. The server binds it as {@value #BEAN}: keys are not settings for a route to read.
 */
public final class IngestKey implements Processor {
  /** The name the server binds it under, which the HTTP route refers to. */
  public static final String BEAN = "ingestKey";
  private final List<byte[]> accepted;
  private final boolean open;

  public IngestKey(List<String> accepted, boolean open) {
    this.accepted = accepted.stream().map(k -> k.trim().getBytes(StandardCharsets.UTF_8)).toList();
    this.open = open;
    if (!open && this.accepted.isEmpty()) {
      throw new IllegalArgumentException("closed ingestion needs at least one key");
    }
  }

  @Override
  public void process(Exchange exchange) {
    if (open) {
      return;
    }
    String header = exchange.getMessage().getHeader("Authorization", String.class);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new RejectedInput(401, "touchpoints need the ingest key: Authorization: Bearer KEY", null);
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    boolean valid = false;
    for (byte[] key : accepted) { // every key is compared, so the time says nothing about which one matched
      valid |= MessageDigest.isEqual(given, key);
    }
    if (!valid) {
      throw new RejectedInput(403, "the ingest key is not valid", null);
    }
  }

  @Override
  public String toString() {
    return "IngestKey[" + (open ? "open" : accepted.size() + " keys, ****") + "]";
  }
}
