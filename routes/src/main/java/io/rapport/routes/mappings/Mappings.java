package io.rapport.routes.mappings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * The JSONata mappings by name: NAME.jsonata in the mappings folder an integrator sets, else the one shipped in the
 * classpath folder {@value #SHIPPED}, else none. The folder is looked at again at most once a second per name, so a
 * changed file is taken within a second and a request costs no file-system call.
 */
public final class Mappings {
  /** The classpath folder of the shipped mappings. */
  public static final String SHIPPED = "rapport/mappings/";
  public static final String SUFFIX = ".jsonata";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private static final Duration RECHECK = Duration.ofSeconds(1);
  private final Path dir;
  private final long recheckNanos;
  private final ConcurrentMap<String, Loaded> cache = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Optional<Mapping>> shipped = new ConcurrentHashMap<>();

  /** A mapping found (or not) for a name, the time of its file (null: not from the folder) and when it was looked at. */
  private record Loaded(Optional<Mapping> mapping, FileTime modified, long checkedAt) {}

  /** @param dir the integrator's folder, or null for the shipped mappings only */
  public Mappings(Path dir) {
    this(dir, RECHECK);
  }

  Mappings(Path dir, Duration recheck) {
    this.dir = dir;
    this.recheckNanos = recheck.toNanos();
  }

  /** The mappings folder as a setting gives it: empty for none. */
  public static Mappings in(String dir) {
    return new Mappings(dir == null || dir.isBlank() ? null : Path.of(dir));
  }

  /**
   * The mapping of that name, or none.
   *
   * @throws IllegalArgumentException when the mapping's file is not valid JSONata
   */
  public Optional<Mapping> find(String name) {
    if (!NAME.matcher(name).matches()) {
      return Optional.empty(); // never a path: a name comes from a URL or a file name
    }
    long now = System.nanoTime();
    Loaded known = cache.get(name);
    if (known != null && now - known.checkedAt() < recheckNanos) {
      return known.mapping();
    }
    Loaded loaded = load(name, known, now);
    cache.put(name, loaded);
    return loaded.mapping();
  }

  private Loaded load(String name, Loaded known, long now) {
    Path file = dir == null ? null : dir.resolve(name + SUFFIX);
    if (file == null || !Files.isRegularFile(file)) {
      return new Loaded(shipped.computeIfAbsent(name, Mappings::shipped), null, now);
    }
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      if (known != null && modified.equals(known.modified())) {
        return new Loaded(known.mapping(), modified, now);
      }
      // a file that is not valid JSONata throws, and is read again at the next payload, until it is fixed
      return new Loaded(Optional.of(new Mapping(file.toString(), Files.readString(file, StandardCharsets.UTF_8))),
          modified, now);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the mapping " + file, e);
    }
  }

  private static Optional<Mapping> shipped(String name) {
    String resource = SHIPPED + name + SUFFIX;
    try (InputStream in = Mappings.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return Optional.empty();
      }
      return Optional.of(new Mapping("classpath:" + resource, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the shipped mapping " + resource, e);
    }
  }
}
