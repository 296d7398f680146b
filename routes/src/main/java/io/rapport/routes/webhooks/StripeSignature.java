package io.rapport.routes.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stripe's scheme, as Stripe documents it: {@code Stripe-Signature: t=UNIX-SECONDS,v1=HEX[,v1=HEX...]}, each v1 an
 * HMAC-SHA256 of {@code t + "." + body} with the endpoint's secret (any one may match: Stripe signs with an old and a
 * new secret while one is rolled); a t further than the tolerance from now is refused, so that a captured request
 * cannot be replayed later.
 */
final class StripeSignature {
  private final Duration tolerance;
  private final Clock clock;

  StripeSignature(Duration tolerance, Clock clock) {
    this.tolerance = tolerance;
    this.clock = clock;
  }

  /** @throws io.rapport.messages.RejectedInput 401 when missing, malformed, wrong or too old */
  void check(byte[] secret, byte[] body, String header) {
    if (header == null) {
      throw WebhookSignature.unsigned("the Stripe-Signature header is missing");
    }
    String t = null;
    List<byte[]> signatures = new ArrayList<>();
    for (String element : header.split(",")) {
      String[] kv = element.trim().split("=", 2);
      if (kv.length != 2) {
        continue;
      }
      if (kv[0].equals("t")) {
        t = kv[1];
      } else if (kv[0].equals("v1")) { // other schemes (v0, a test scheme) are not signatures Rapport trusts
        byte[] v1 = WebhookSignature.hex(kv[1]);
        if (v1 != null) {
          signatures.add(v1);
        }
      }
    }
    long seconds;
    try {
      seconds = Long.parseLong(t == null ? "" : t);
    } catch (NumberFormatException e) {
      throw WebhookSignature.unsigned("the Stripe-Signature header has no timestamp t");
    }
    if (signatures.isEmpty()) {
      throw WebhookSignature.unsigned("the Stripe-Signature header has no v1 signature");
    }
    byte[] expected = WebhookSignature.hmac(secret, (t + ".").getBytes(StandardCharsets.US_ASCII), body);
    boolean valid = false;
    for (byte[] given : signatures) { // all compared, so that the time says nothing about which one matched
      valid |= MessageDigest.isEqual(expected, given);
    }
    if (!valid) {
      throw WebhookSignature.unsigned("the Stripe-Signature does not match the body");
    }
    long age = clock.instant().getEpochSecond() - seconds;
    if (Math.abs(age) > tolerance.toSeconds()) {
      throw WebhookSignature.unsigned("the Stripe-Signature timestamp is " + age + " s from now, beyond the "
          + tolerance.toSeconds() + " s allowed: a replayed or delayed request");
    }
  }
}
