package io.rapport.rules;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Random;

/**
 * Makes the discount codes of {@code journey.discountCode}: random, so that nobody can compute or guess a customer's
 * code, and new for every issue (the store keeps each with its percent, expiry and status). A code reads {@code
 * R15-7KQ2MWXA3B}: the percent, then ten letters and digits that are never confused (no O, 0, I, 1), some 50 bits.
 * The server draws them from {@link SecureRandom}; replays, simulations and scenarios, which store nothing and send
 * nothing, may draw them from a seed, so that one run gives the same codes each time.
 */
public final class DiscountCodes {
  /** Letters and digits after the prefix. */
  public static final int LENGTH = 10;
  private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
  private final Random random;

  private DiscountCodes(Random random) {
    this.random = random;
  }

  /** Codes nobody can predict: the server's. */
  public static DiscountCodes unpredictable() {
    return new DiscountCodes(new SecureRandom());
  }

  /** Codes drawn from a seed: the same sequence on every run, for replays and scenarios, where none is sent. */
  public static DiscountCodes seeded(long seed) {
    return new DiscountCodes(new Random(seed));
  }

  /** A new code for this customer and percent off. */
  public String code(String customerId, int percent) {
    StringBuilder code = new StringBuilder(String.format(Locale.ROOT, "R%02d-", percent));
    synchronized (random) { // a seeded Random gives its sequence to one caller at a time
      for (int i = 0; i < LENGTH; i++) {
        code.append(ALPHABET[random.nextInt(ALPHABET.length)]);
      }
    }
    return code.toString();
  }

  @Override
  public String toString() {
    return "DiscountCodes[****]";
  }
}
