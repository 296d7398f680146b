package io.rapport.engine.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys every surface checks, the same everywhere: each scope's key, named admin keys, and whether a surface was
 * opened on purpose. A key that is not configured is generated into the data directory at first start and kept
 * there, so nothing that reads personal data or writes is ever open by accident.
 */
public final class Keys {
  private static final Logger LOG = LoggerFactory.getLogger(Keys.class);

  /** What the configuration says; empty keys are generated. */
  public record Options(String adminKey, Map<String, String> namedAdminKeys, String readKey, String ingestKey,
      boolean readOpen, boolean ingestOpen) {
    @Override
    public String toString() { // never a key
      return "Keys.Options[" + namedAdminKeys.keySet() + " named, read open " + readOpen + ", ingest open "
          + ingestOpen + "]";
    }
  }

  /** One accepted key, with the name that is recorded for what it does. */
  private record Held(String name, Scope scope, byte[] key) {}

  private final List<Held> held;
  private final boolean readOpen;
  private final boolean ingestOpen;

  private Keys(List<Held> held, boolean readOpen, boolean ingestOpen) {
    this.held = List.copyOf(held);
    this.readOpen = readOpen;
    this.ingestOpen = ingestOpen;
  }

  /** The configured keys, and those kept in (or generated into) {@code dataDir} for the others. */
  public static Keys load(Options options, Path dataDir) throws IOException {
    List<Held> held = new ArrayList<>();
    held.add(new Held(Scope.ADMIN.word(), Scope.ADMIN, bytes(orKept(options.adminKey(), dataDir, Scope.ADMIN))));
    options.namedAdminKeys().forEach((name, key) -> held.add(new Held(name, Scope.ADMIN, bytes(key))));
    held.add(new Held(Scope.READ.word(), Scope.READ, bytes(orKept(options.readKey(), dataDir, Scope.READ))));
    held.add(new Held(Scope.INGEST.word(), Scope.INGEST, bytes(orKept(options.ingestKey(), dataDir, Scope.INGEST))));
    if (options.readOpen()) {
      LOG.warn("read.open is set: customers, journeys, rules and stats can be read WITHOUT a key by anyone who can"
          + " reach this server (listing every customer, GET /v1/customers, still needs a key)");
    }
    if (options.ingestOpen()) {
      LOG.warn("ingest.open is set: anyone who can reach this server can send touchpoints WITHOUT a key");
    }
    return new Keys(held, options.readOpen(), options.ingestOpen());
  }

  /** Whether a surface of this scope takes requests without a key. */
  public boolean open(Scope scope) {
    return scope == Scope.READ && readOpen || scope == Scope.INGEST && ingestOpen;
  }

  /**
   * The name of the key given for a request of this scope (admin keys count for every scope), or empty when it is
   * none of them. Compared in constant time.
   */
  public Optional<String> holder(String given, Scope scope) {
    if (given == null || given.isEmpty()) {
      return Optional.empty();
    }
    byte[] bytes = bytes(given);
    String found = null;
    for (Held h : held) { // every key is compared, so the time says nothing about which one matched
      if ((h.scope() == scope || h.scope() == Scope.ADMIN) && MessageDigest.isEqual(bytes, h.key()) && found == null) {
        found = h.name();
      }
    }
    return Optional.ofNullable(found);
  }

  /** The keys accepted for a scope, admin keys included: for a part that checks them itself (the HTTP route). */
  public List<String> accepted(Scope scope) {
    return held.stream().filter(h -> h.scope() == scope || h.scope() == Scope.ADMIN)
        .map(h -> new String(h.key(), StandardCharsets.UTF_8)).toList();
  }

  /** The names of the named admin keys, for the log. */
  public Map<String, Scope> names() {
    Map<String, Scope> names = new LinkedHashMap<>();
    held.forEach(h -> names.put(h.name(), h.scope()));
    return names;
  }

  /**
   * A server secret other than a key (the discount codes'): the configured one, or the one kept in {@code
   * dataDir/<name>.key}, generated at first start.
   */
  public static byte[] secret(String configured, Path dataDir, String name) throws IOException {
    return bytes(orKept(configured, dataDir, name));
  }

  private static String orKept(String configured, Path dataDir, Scope scope) throws IOException {
    return orKept(configured, dataDir, scope.word());
  }

  private static String orKept(String configured, Path dataDir, String name) throws IOException {
    if (!configured.isBlank()) {
      return configured.trim();
    }
    Path file = dataDir.resolve(name + ".key");
    if (!Files.exists(file)) {
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      Files.writeString(file, HexFormat.of().formatHex(random) + "\n");
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the directory's own protection applies
      }
      LOG.info("no {} key configured: generated one in {}", name, file.toAbsolutePath());
    }
    String key = Files.readString(file).trim();
    if (key.isEmpty()) {
      throw new IOException(file + " is empty: delete it to have a new key generated, or set " + name + ".key");
    }
    return key;
  }

  private static byte[] bytes(String key) {
    return key.trim().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Keys[" + names().keySet() + "]";
  }
}
