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
    try {
      URI location = RuleFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI();
      Path root = Path.of(location);
      if (Files.isDirectory(root)) {
        return fromDirectory(root, root.resolve(DEFAULT_FOLDER));
      }
      try (FileSystem jar = FileSystems.newFileSystem(root)) {
        Path top = jar.getPath("/");
        return fromDirectory(top, top.resolve(DEFAULT_FOLDER));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the default rules", e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the default rules", e);
    }
  }

  /** Every {@code .drl} file under a directory, by path relative to it. */
  public static Map<String, String> fromDirectory(Path dir) {
    return fromDirectory(dir, dir);
  }

  private static Map<String, String> fromDirectory(Path base, Path dir) {
    Map<String, String> files = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".drl")) {
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
