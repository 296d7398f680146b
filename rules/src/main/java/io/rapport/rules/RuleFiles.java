package io.rapport.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Finds DRL files: the defaults packaged with Rapport, or those in a directory. */
public final class RuleFiles {
  /** The folder (and DRL package) of the default journey rules. */
  public static final String DEFAULT_FOLDER = "rapport/journey";

  private RuleFiles() {}

  /** The default DRL files, by path relative to the classpath root. */
  public static Map<String, String> defaults() {
    return packaged(".drl");
  }

  /** The default scenario files (YAML), by path relative to the classpath root. */
  public static Map<String, String> defaultScenarios() {
    return packaged(".yaml");
  }

  private static Map<String, String> packaged(String suffix) {
    try {
      URI location = RuleFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI();
      Path root = Path.of(location);
      if (Files.isDirectory(root)) {
        return fromDirectory(root, root.resolve(DEFAULT_FOLDER), suffix);
      }
      try (FileSystem jar = FileSystems.newFileSystem(root)) {
        Path top = jar.getPath("/");
        return fromDirectory(top, top.resolve(DEFAULT_FOLDER), suffix);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the default rules", e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the default rules", e);
    }
  }

  /**
   * The default DRL files with those of a rules directory laid over them: a file of the same
   * name replaces the default, a new name adds a file.
   */
  public static Map<String, String> withOverrides(Path dir) {
    Map<String, String> files = new TreeMap<>(defaults());
    fromDirectory(dir, dir, ".drl").forEach((name, text) -> files.put(DEFAULT_FOLDER + "/" + name, text));
    return files;
  }

  /** The default scenarios with those of a rules directory (or its scenarios/ folder) laid over them. */
  public static Map<String, String> scenariosWithOverrides(Path dir) {
    Map<String, String> files = new TreeMap<>(defaultScenarios());
    fromDirectory(dir, dir, ".yaml").forEach((name, text) -> {
      String plain = name.startsWith("scenarios/") ? name.substring("scenarios/".length()) : name;
      files.put(DEFAULT_FOLDER + "/scenarios/" + plain, text);
    });
    return files;
  }

  /**
   * {@code files} with each file that is still an earlier release's default, unchanged, replaced by this release's
   * default: a rule base nobody edited follows the defaults as they improve, and an edited file is left alone.
   */
  public static Map<String, String> withReleaseDefaults(Map<String, String> files) {
    Map<String, String> defaults = new TreeMap<>(defaults());
    defaults.putAll(defaultScenarios());
    Map<String, java.util.Set<String>> earlier = earlierDefaults();
    Map<String, String> out = new TreeMap<>(files);
    files.forEach((path, text) -> {
      String current = defaults.get(path);
      if (current != null && !current.equals(text) && earlier.getOrDefault(path, java.util.Set.of()).contains(sha256(text))) {
        out.put(path, current);
      }
    });
    return out;
  }

  private static Map<String, java.util.Set<String>> earlierDefaults() {
    Map<String, java.util.Set<String>> hashes = new TreeMap<>();
    try (var in = RuleFiles.class.getClassLoader().getResourceAsStream("rapport/previous-default-rules.sha256")) {
      if (in == null) {
        return hashes;
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String[] f = line.trim().split("\s+");
        if (f.length == 2 && !line.startsWith("#")) {
          hashes.computeIfAbsent(f[1], k -> new java.util.HashSet<>()).add(f[0]);
        }
      }
      return hashes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the earlier default rules", e);
    }
  }

  private static String sha256(String text) {
    try {
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every {@code .drl} file under a directory, by path relative to it. */
  public static Map<String, String> fromDirectory(Path dir) {
    return fromDirectory(dir, dir, ".drl");
  }

  /** Every scenario file ({@code .yaml}) under a directory, by path relative to it. */
  public static Map<String, String> scenariosIn(Path dir) {
    return fromDirectory(dir, dir, ".yaml");
  }

  private static Map<String, String> fromDirectory(Path base, Path dir, String suffix) {
    Map<String, String> files = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(suffix)) {
          String rel = base.relativize(p).toString().replace('\\', '/');
          files.put(rel, Files.readString(p, StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read rules in " + dir, e);
    }
    return files;
  }
}
