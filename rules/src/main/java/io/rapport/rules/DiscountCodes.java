package io.rapport.rules;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes the discount codes of {@code journey.discountCode}: keyed with a secret, so that nobody who knows a customer's
 * id can compute that customer's code, and the same for the same customer and offer, so that a retried or replayed
 * decision gives the same code. A code reads {@code R15-7KQ2MWXA}: the percent, then eight letters and digits that are
 * never confused (no O, 0, I, 1).
 */
public final class DiscountCodes {
  private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
  private final SecretKeySpec key;

  private DiscountCodes(byte[] secret) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("a discount code secret needs at least 16 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  /** Codes keyed with the server's secret. */
  public static DiscountCodes keyed(byte[] secret) {
    return new DiscountCodes(secret);
  }

  /** Codes keyed with a secret nobody keeps: for replays, simulations and tests, where no code is ever sent. */
  public static DiscountCodes unpredictable() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return new DiscountCodes(secret);
  }

  /** The code of this customer for this percent off. */
  public String code(String customerId, int percent) {
    byte[] mac;
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(key);
      mac = hmac.doFinal((customerId + "|" + percent).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
    StringBuilder code = new StringBuilder(String.format(Locale.ROOT, "R%02d-", percent));
    for (int i = 0; i < 8; i++) {
      code.append(ALPHABET[(mac[i] & 0xff) % ALPHABET.length]);
    }
    return code.toString();
  }

  @Override
  public String toString() {
    return "DiscountCodes[****]";
  }
}
