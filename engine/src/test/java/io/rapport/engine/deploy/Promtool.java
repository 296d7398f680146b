package io.rapport.engine.deploy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus's promtool (Debian package {@code prometheus}; .ci/run installs it), run as a user would run it. A test
 * that needs it is skipped where it is missing, except under CI=true, where that is a failure.
 */
public final class Promtool {
  /** What promtool answered: its exit code and everything it wrote. */
  public record Answer(int exit, String output) {}

  private final Path binary;

  private Promtool(Path binary) {
    this.binary = binary;
  }

  /** promtool from the PATH. */
  public static Promtool find() {
    Optional<Path> found = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable).findFirst();
    if (found.isEmpty()) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("promtool is required under CI=true (apt-get install prometheus)");
      }
      Assumptions.abort("promtool is not installed (apt-get install prometheus): skipping");
    }
    return new Promtool(found.get());
  }

  /** Runs {@code promtool args...} in {@code dir}, with {@code input} on its standard input (null: none). */
  public Answer run(Path dir, String input, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    if (input != null) {
      p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("promtool " + String.join(" ", args) + " did not finish within a minute");
    }
    return new Answer(p.exitValue(), output);
  }

  /** The repository's deploy folder, from the engine module's directory (where the build runs tests). */
  public static Path deploy() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("deploy/prometheus"))) {
        return p.resolve("deploy");
      }
    }
    throw new AssertionError("no deploy/ folder above " + here);
  }
}
