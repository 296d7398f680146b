package io.rapport.engine.outbox;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signed links that opt a customer out of a channel: {@code BASE/v1/unsubscribe?t=TOKEN}, the token being the
 * customer id and channel with an HMAC-SHA256 of them under a server secret (unsubscribe.key), so nobody can opt
 * someone else out by guessing an id. A token does not expire: an unsubscribe link must work in an old email too.
 */
public final class UnsubscribeLinks {
  private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODE = Base64.getUrlDecoder();
  private final String baseUrl;
  private final byte[] key;

  /** What a valid token names. */
  public record Subject(String customerId, String channel) {}

  /** @param baseUrl http.public-url without its trailing slash; empty: no links */
  public UnsubscribeLinks(String baseUrl, byte[] key) {
    this.baseUrl = baseUrl;
    this.key = key.clone();
  }

  /** The link for this customer and channel; null without a public URL. */
  public String link(String customerId, String channel) {
    return baseUrl.isBlank() ? null : baseUrl + "/v1/unsubscribe?t=" + token(customerId, channel);
  }

  String token(String customerId, String channel) {
    String subject = ENCODE.encodeToString(customerId.getBytes(StandardCharsets.UTF_8)) + "."
        + ENCODE.encodeToString(channel.getBytes(StandardCharsets.UTF_8));
    return subject + "." + ENCODE.encodeToString(mac(subject));
  }

  /** The customer and channel of a token this server signed; empty for anything else. */
  public Optional<Subject> read(String token) {
    if (token == null || token.length() > 2000) {
      return Optional.empty();
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      byte[] given = DECODE.decode(parts[2]);
      if (!MessageDigest.isEqual(given, mac(parts[0] + "." + parts[1]))) {
        return Optional.empty();
      }
      return Optional.of(new Subject(new String(DECODE.decode(parts[0]), StandardCharsets.UTF_8),
          new String(DECODE.decode(parts[1]), StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String subject) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(("unsubscribe:" + subject).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this Java", e);
    }
  }
}
