package io.rapport.engine.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dependencies between the modules point one way: the messages module depends on no other, routes and connectors
 * on the messages only, and only the class that assembles the server knows the routes. Read from the sources, so
 * that an import a Maven dependency would allow still fails the build.
 */
class ModuleBoundariesTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?(io\\.rapport\\.[a-z]+)\\.");
  /** A main class longer than this says at its top why (a sentence beginning "Long because"). */
  private static final int LONGEST = 400;

  @Test
  void theMessagesModuleDependsOnNoOtherRapportModule() throws IOException {
    assertThat(imports("messages")).allSatisfy(i -> assertThat(i.module()).as(i.toString()).isEqualTo("io.rapport.messages"));
  }

  @Test
  void routesAndConnectorsKnowOnlyTheMessages() throws IOException {
    for (String module : List.of("routes", "connectors")) {
      assertThat(imports(module)).as(module).allSatisfy(i -> assertThat(i.module()).as(i.toString())
          .isIn("io.rapport.messages", "io.rapport." + module));
    }
  }

  @Test
  void theRulesModuleIsPureDrools() throws IOException {
    assertThat(imports("rules")).allSatisfy(i -> assertThat(i.module()).as(i.toString()).isEqualTo("io.rapport.rules"));
  }

  @Test
  void onlyTheServerAssemblyKnowsTheRoutesAndNoEngineClassTheConnectors() throws IOException {
    assertThat(imports("engine"))
        .filteredOn(i -> i.module().equals("io.rapport.routes") || i.module().equals("io.rapport.connectors"))
        .allSatisfy(i -> {
          assertThat(i.module()).as(i.toString()).isEqualTo("io.rapport.routes");
          assertThat(i.file().getFileName()).as(i.toString()).hasToString("Server.java");
        });
  }

  @Test
  void noMainClassIsLongerThanAboutFourHundredLinesWithoutSayingWhy() throws IOException {
    List<String> unexplained = new ArrayList<>();
    for (String module : List.of("messages", "rules", "connectors", "routes", "engine", "bench")) {
      for (Path file : sources(module)) {
        List<String> lines = Files.readAllLines(file);
        // the reason is said at its top: in the lines up to the class's declaration
        List<String> top = lines.stream().takeWhile(l -> !l.matches("^(public |abstract |final )*(class|record|interface|enum) .*")).toList();
        if (lines.size() > LONGEST && top.stream().noneMatch(l -> l.contains("Long because"))) {
          unexplained.add(file + " (" + lines.size() + " lines)");
        }
      }
    }
    assertThat(unexplained).isEmpty();
  }

  /** One import of a Rapport package in a main source file. */
  private record Import(Path file, String module) {
    @Override
    public String toString() {
      return ROOT.relativize(file) + " imports " + module;
    }
  }

  private static List<Import> imports(String module) throws IOException {
    List<Import> found = new ArrayList<>();
    for (Path file : sources(module)) {
      Matcher m = IMPORT.matcher(Files.readString(file));
      while (m.find()) {
        found.add(new Import(file, m.group(1)));
      }
    }
    return found;
  }

  private static List<Path> sources(String module) throws IOException {
    Path dir = ROOT.resolve(module).resolve("src/main/java");
    assertThat(dir).as("sources of " + module).isDirectory();
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
  }
}
