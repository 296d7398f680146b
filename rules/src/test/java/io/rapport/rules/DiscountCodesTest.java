package io.rapport.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** A discount code cannot be computed from the customer's id: it takes the server's secret too. */
class DiscountCodesTest {
  private static final byte[] SECRET = "a server's secret of 32 bytes...".getBytes(StandardCharsets.UTF_8);

  @Test
  void theSameCustomerAndOfferGetTheSameCodeUnderOneSecretAndAnotherUnderAnother() {
    DiscountCodes codes = DiscountCodes.keyed(SECRET);
    assertThat(codes.code("c-1042", 15)).matches("R15-[A-HJ-NP-Z2-9]{8}").isEqualTo(codes.code("c-1042", 15));
    assertThat(codes.code("c-1042", 10)).startsWith("R10-").isNotEqualTo(codes.code("c-1043", 10));
    assertThat(DiscountCodes.keyed("another secret of 32 bytes......".getBytes(StandardCharsets.UTF_8))
        .code("c-1042", 15)).isNotEqualTo(codes.code("c-1042", 15));
  }

  @Test
  void theCodeIsNotTheUnkeyedDigestOfTheIdThatEarlierReleasesUsed() throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-256").digest("c-1042|15".getBytes(StandardCharsets.UTF_8));
    char[] alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    StringBuilder guessed = new StringBuilder("R15-");
    for (int i = 0; i < 8; i++) {
      guessed.append(alphabet[(hash[i] & 0xff) % alphabet.length]);
    }
    assertThat(DiscountCodes.keyed(SECRET).code("c-1042", 15)).isNotEqualTo(guessed.toString());
    assertThat(DiscountCodes.unpredictable().code("c-1042", 15)).isNotEqualTo(guessed.toString());
  }
}
