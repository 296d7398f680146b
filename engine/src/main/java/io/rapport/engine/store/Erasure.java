package io.rapport.engine.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * A customer erased at {@code at}, with how many rows of each table were removed or stripped of the customer: what
 * the store keeps is the hash of the id and the time, in {@code erasures}, so that an old event of theirs that comes
 * again is a duplicate, and sent actions and issued codes under that hash, for the counts of what was sent and
 * redeemed.
 */
public record Erasure(String customerId, Instant at, Map<String, Integer> removed) {
  public Erasure {
    removed = Map.copyOf(removed);
  }

  /** Whether the store held anything of the customer. */
  public boolean anything() {
    return removed.values().stream().anyMatch(n -> n > 0);
  }

  /** What stands for an erased customer's id: the SHA-256 of it, in hexadecimal. */
  public static String hash(String customerId) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(customerId.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
