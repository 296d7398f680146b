package io.rapport.engine.http;

import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards admin endpoints with {@code Authorization: Bearer KEY}: 401 without a key, 403 with a
 * wrong one. Admin endpoints are never open: with no key configured, one is generated at first
 * start and kept in the data directory.
 */
public final class AdminKey {
  private static final Logger LOG = LoggerFactory.getLogger(AdminKey.class);
  static final String FILE = "admin.key";
  private final byte[] key;

  private AdminKey(String key) {
    this.key = key.getBytes(StandardCharsets.UTF_8);
  }

  /** The configured key, or the one kept in {@code dataDir/admin.key} (made at first start). */
  public static AdminKey load(String configured, Path dataDir) throws IOException {
    if (!configured.isBlank()) {
      return new AdminKey(configured.trim());
    }
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      Files.writeString(file, HexFormat.of().formatHex(random) + "\n");
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the directory's own protection applies
      }
      LOG.info("no admin key configured: generated one in {}", file.toAbsolutePath());
    } else {
      LOG.info("admin key: {}", file.toAbsolutePath());
    }
    return new AdminKey(Files.readString(file).trim());
  }

  /** Lets the request through, or answers 401/403 and returns false. */
  boolean allows(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      Errors.send(ctx, 401, "this endpoint needs the admin key: Authorization: Bearer KEY");
      return false;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, key)) { // constant time
      Errors.send(ctx, 403, "the admin key is not valid");
      return false;
    }
    return true;
  }

  @Override
  public String toString() {
    return "AdminKey[****]";
  }
}
