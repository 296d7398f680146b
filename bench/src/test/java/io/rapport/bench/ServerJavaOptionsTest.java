package io.rapport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServerJavaOptionsTest {
  private static final Path UNIT = Path.of("..", "deploy", "systemd", "rapport.service");

  @Test
  void theBenchmarkRunsTheServerWithTheJvmOptionsOfTheSystemdUnit() throws Exception {
    String execStart = Files.readAllLines(UNIT).stream()
        .filter(l -> l.startsWith("ExecStart="))
        .findFirst()
        .orElseThrow();
    List<String> words = Arrays.asList(execStart.split("\\s+"));
    List<String> unitOptions = words.subList(1, words.indexOf("-jar"));

    String benchDefault = new CommandLine(new Benchmark()).getCommandSpec()
        .findOption("--server-java-options").defaultValue();

    assertThat(unitOptions).isNotEmpty();
    assertThat(Arrays.asList(benchDefault.trim().split("\\s+"))).isEqualTo(unitOptions);
  }
}
