package io.rapport.routes.mappings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * The JSONata mappings by name: NAME.jsonata in the mappings folder an integrator sets, else the one shipped in the
 * classpath folder {@value #SHIPPED}, else none. A file in the folder is read again when it changes.
 */
public final class Mappings {
  /** The classpath folder of the shipped mappings. */
  public static final String SHIPPED = "rapport/mappings/";
  public static final String SUFFIX = ".jsonata";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private final Path dir;
  private final ConcurrentMap<String, Loaded> cache = new ConcurrentHashMap<>();

  private record Loaded(Mapping mapping, FileTime modified) {}

  /** @param dir the integrator's folder, or null for the shipped mappings only */
  public Mappings(Path dir) {
    this.dir = dir;
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
    if (dir != null) {
      Path file = dir.resolve(name + SUFFIX);
      if (Files.isRegularFile(file)) {
        try {
          FileTime modified = Files.getLastModifiedTime(file);
          Loaded loaded = cache.get(name);
          if (loaded == null || !modified.equals(loaded.modified())) {
            loaded = new Loaded(new Mapping(file.toString(), Files.readString(file, StandardCharsets.UTF_8)),
                modified);
            cache.put(name, loaded);
          }
          return Optional.of(loaded.mapping());
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the mapping " + file, e);
        }
      }
    }
    Loaded shipped = cache.computeIfAbsent("classpath:" + name, k -> shipped(name));
    return Optional.ofNullable(shipped.mapping());
  }

  private static Loaded shipped(String name) {
    String resource = SHIPPED + name + SUFFIX;
    try (InputStream in = Mappings.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return new Loaded(null, null);
      }
      return new Loaded(new Mapping("classpath:" + resource, new String(in.readAllBytes(), StandardCharsets.UTF_8)),
          null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the shipped mapping " + resource, e);
    }
  }
}
