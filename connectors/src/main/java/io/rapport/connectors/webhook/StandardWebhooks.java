package io.rapport.connectors.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a webhook call as the Standard Webhooks specification says (symmetric scheme): the signed content is
 * {@code id.timestamp.body}, the signature {@code v1,} and the base64 HMAC-SHA256 of it under the secret, which is
 * given as {@code whsec_} and base64. The id stays the same across retries of one action, so a receiver can drop a
 * repeat by it, and the timestamp is the attempt's, so it can refuse a replay.
 */
public final class StandardWebhooks {
  public static final String ID = "webhook-id";
  public static final String TIMESTAMP = "webhook-timestamp";
  public static final String SIGNATURE = "webhook-signature";
  private static final String PREFIX = "whsec_";

  private final byte[] key;

  /** @param secret {@code whsec_} followed by base64 of the key */
  public StandardWebhooks(String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      throw new IllegalArgumentException("a Standard Webhooks secret begins with " + PREFIX);
    }
    this.key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
  }

  /** The message id of an action: derived from its idempotency key, with no '.' (the spec forbids it there). */
  public static String messageId(String idempotencyKey) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
      return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 18));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The webhook-signature header of a body sent with this id at this time (seconds since the epoch). */
  public String signature(String id, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this Java", e);
    }
  }
}
