package io.rapport.routes.webhooks;

import io.rapport.messages.RejectedInput;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Checks that a webhook comes from its source: a source with no secret is 404; a missing or wrong signature is 401,
 * compared in constant time over the raw body. Shopify ({@value #SHOPIFY}) and Stripe ({@value #STRIPE}) sign their
 * way; every other source signs with {@value #GENERIC_HEADER}: sha256=HEX. The server binds it as {@value #BEAN}:
 * secrets are not settings for a route to read.
 */
public final class WebhookSignature implements Processor {
  /** The name the server binds it under, which the webhook route refers to. */
  public static final String BEAN = "webhookSignature";
  /** The path parameter naming the source: POST /v1/webhooks/{source}. */
  public static final String SOURCE = "source";
  public static final String SHOPIFY = "shopify";
  public static final String STRIPE = "stripe";
  public static final String GENERIC_HEADER = "X-Rapport-Signature";
  public static final String SHOPIFY_HEADER = "X-Shopify-Hmac-Sha256";
  public static final String STRIPE_HEADER = "Stripe-Signature";
  private static final String GENERIC_PREFIX = "sha256=";

  private final Map<String, byte[]> secrets;
  private final StripeSignature stripe;

  /**
   * @param secrets each source's secret
   * @param stripeTolerance how far a Stripe signature's time may be from now (Stripe's libraries take 5 minutes)
   */
  public WebhookSignature(Map<String, String> secrets, Duration stripeTolerance, Clock clock) {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    secrets.forEach((source, secret) -> keys.put(source, secret.getBytes(StandardCharsets.UTF_8)));
    this.secrets = Map.copyOf(keys);
    this.stripe = new StripeSignature(stripeTolerance, clock);
  }

  @Override
  public void process(Exchange exchange) {
    Message m = exchange.getMessage();
    String source = m.getHeader(SOURCE, String.class);
    byte[] secret = source == null ? null : secrets.get(source);
    if (secret == null) {
      throw new RejectedInput(404, "no webhook source of that name: set its secret in webhooks.secrets",
          new JsonArray());
    }
    byte[] body = m.getBody(byte[].class);
    if (body == null) {
      body = new byte[0];
    }
    m.setBody(body); // the raw bytes, signed and mapped alike
    switch (source) {
      case SHOPIFY -> check(shopify(secret, body, m.getHeader(SHOPIFY_HEADER, String.class)), SHOPIFY_HEADER);
      case STRIPE -> stripe.check(secret, body, m.getHeader(STRIPE_HEADER, String.class));
      default -> check(generic(secret, body, m.getHeader(GENERIC_HEADER, String.class)), GENERIC_HEADER);
    }
  }

  private static void check(boolean valid, String header) {
    if (!valid) {
      throw unsigned("the " + header + " header is missing or does not match the body");
    }
  }

  static RejectedInput unsigned(String why) {
    return new RejectedInput(401, why, new JsonArray());
  }

  /** X-Rapport-Signature: sha256=HEX of HMAC-SHA256(secret, body). */
  private static boolean generic(byte[] secret, byte[] body, String header) {
    if (header == null || !header.trim().regionMatches(true, 0, GENERIC_PREFIX, 0, GENERIC_PREFIX.length())) {
      return false;
    }
    byte[] given = hex(header.trim().substring(GENERIC_PREFIX.length()));
    return given != null && MessageDigest.isEqual(hmac(secret, body), given);
  }

  /** X-Shopify-Hmac-Sha256: base64 of HMAC-SHA256(secret, body), as Shopify documents it. */
  private static boolean shopify(byte[] secret, byte[] body, String header) {
    if (header == null) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(header.trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(hmac(secret, body), given);
  }

  /** HMAC-SHA256 of the parts, one after the other. */
  static byte[] hmac(byte[] secret, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  /** The bytes of a hex text, or null when it is not one. */
  static byte[] hex(String text) {
    try {
      return HexFormat.of().parseHex(text.trim());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "WebhookSignature[" + secrets.keySet() + ", secrets ****]";
  }
}
