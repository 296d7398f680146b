package io.rapport.engine.layout;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.engine.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README is a front door to docs/, every link in them leads somewhere, and the configuration page is true. */
class DocumentationTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final String BEGIN = "<!-- settings:begin -->";
  private static final String END = "<!-- settings:end -->";

  @Test
  void theReadmeIsAFrontDoorOfAtMostAboutTwoHundredLines() throws IOException {
    List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
    assertThat(readme.size()).isLessThanOrEqualTo(200);
    String text = String.join("\n", readme);
    assertThat(text).contains("mvn -B verify").contains("java -jar engine/target/rapport.jar");
    for (String page : List.of("marketers", "integrators", "managers", "operations", "api", "configuration", "benchmark")) {
      assertThat(text).as("the README links docs/" + page + ".md").contains("(docs/" + page + ".md");
    }
  }

  @Test
  void everyRelativeLinkInTheReadmeAndTheDocsLeadsToAFile() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      Matcher m = LINK.matcher(Files.readString(page));
      while (m.find()) {
        String target = m.group(1);
        if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("#")
            || target.startsWith("mailto:")) {
          continue;
        }
        String path = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        if (!Files.exists(page.getParent().resolve(path))) {
          broken.add(ROOT.relativize(page) + " -> " + target);
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  @Test
  void theConfigurationPageListsEverySettingAsDeclared() throws IOException {
    String page = Files.readString(ROOT.resolve("docs/configuration.md"));
    assertThat(page).contains(BEGIN).contains(END);
    String table = page.substring(page.indexOf(BEGIN) + BEGIN.length(), page.indexOf(END)).strip();
    // On a difference, this message holds the table to paste between the markers.
    assertThat(table).as("docs/configuration.md between the markers; generated:%n%s", Settings.table())
        .isEqualTo(Settings.table().strip());
  }

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }
}
