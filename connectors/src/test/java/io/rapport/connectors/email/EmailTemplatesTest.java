package io.rapport.connectors.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rapport.messages.ActionMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmailTemplatesTest {
  private static final Pattern EMAIL_SENT = Pattern.compile("journey\\.send\\(\\$c,\\s*\"email\",\\s*\"([^\"]+)\"");

  private static ActionMessage action(String template, Map<String, Object> attributes, Map<String, Object> params) {
    return new ActionMessage(1, "tp-1/0", "c-1", "email", template, params, "a rule", "tp-1", 1, "email",
        "ann@example.com", null, attributes, false, "https://crm.example.com/v1/unsubscribe?t=abc", List.of());
  }

  @Test
  void everyEmailTheDefaultRulesSendHasAShippedTemplateWithSubjectTextAndHtml() throws IOException {
    Set<String> sent = new TreeSet<>();
    try (Stream<Path> files = Files.list(Path.of("../rules/src/main/resources/rapport/journey"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".drl")).toList()) {
        Matcher m = EMAIL_SENT.matcher(Files.readString(f));
        while (m.find()) {
          sent.add(m.group(1));
        }
      }
    }
    assertThat(sent).hasSizeGreaterThanOrEqualTo(10).contains("win-back-offer", "welcome");
    EmailTemplates templates = new EmailTemplates(null);
    for (String name : sent) {
      RenderedEmail email = templates.render(action(name, Map.of("firstName", "Ann"),
          Map.of("discountCode", "K7QX-29PL", "percent", 15)));
      assertThat(email.subject()).as(name).isNotBlank().doesNotContain("{{");
      assertThat(email.text()).as(name).contains("Hello Ann").contains("Unsubscribe: https://crm.example.com");
      assertThat(email.html()).as(name).contains("<html>").contains("href=\"https://crm.example.com/v1/unsubscribe");
    }
  }

  @Test
  void theWinBackEmailCarriesTheCodeAndPercentInSubjectAndBothBodies() {
    RenderedEmail email = new EmailTemplates(null).render(action("win-back-offer", Map.of(),
        Map.of("discountCode", "K7QX-29PL", "percent", 15)));
    assertThat(email.subject()).isEqualTo("We miss you: 15% off your next order");
    assertThat(email.text()).contains("K7QX-29PL").contains("Hello,");
    assertThat(email.html()).contains("<strong>K7QX-29PL</strong>");
  }

  @Test
  void aCustomersAttributesAreHtmlEscapedInTheHtmlAndTheSubjectStaysOneLine() {
    RenderedEmail email = new EmailTemplates(null).render(action("welcome",
        Map.of("firstName", "<script>alert(1)</script>\r\nBcc: x@evil.example"), Map.of()));
    assertThat(email.html()).doesNotContain("<script>").contains("&lt;script&gt;");
    assertThat(email.subject()).doesNotContain("\n").doesNotContain("\r");
  }

  @Test
  void aTemplateCannotCallMethodsOnTheValuesItIsGiven(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("probe.subject"), "s");
    Files.writeString(dir.resolve("probe.txt"), "[{{attributes.class}}][{{attributes.firstName.bytes}}][{{params.getClass}}]"
        + "[{{attributes.size}}][{{attributes.firstName.length}}]");
    Files.writeString(dir.resolve("probe.html"), "h");
    RenderedEmail email = new EmailTemplates(dir).render(action("probe", Map.of("firstName", "Ann"), Map.of()));
    assertThat(email.text()).isEqualTo("[][][][][]");
  }

  @Test
  void aTemplateAskingForUnescapedOutputOrAPartialIsRefused(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("raw.subject"), "s");
    Files.writeString(dir.resolve("raw.txt"), "t");
    Files.writeString(dir.resolve("raw.html"), "{{{attributes.firstName}}}");
    assertThatThrownBy(() -> new EmailTemplates(dir).render(action("raw", Map.of(), Map.of())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unescaped");
    Files.writeString(dir.resolve("part.subject"), "s");
    Files.writeString(dir.resolve("part.txt"), "{{> /etc/passwd}}");
    Files.writeString(dir.resolve("part.html"), "h");
    assertThatThrownBy(() -> new EmailTemplates(dir).render(action("part", Map.of(), Map.of())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTemplateInTheTemplatesFolderWinsOverTheShippedOneAndAnEditAppliesAtOnce(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("welcome.subject"), "Hi {{attributes.firstName}}");
    EmailTemplates templates = new EmailTemplates(dir);
    assertThat(templates.render(action("welcome", Map.of("firstName", "Ann"), Map.of())).subject()).isEqualTo("Hi Ann");
    Path subject = dir.resolve("welcome.subject");
    Files.writeString(subject, "Hey {{attributes.firstName}}");
    Files.setLastModifiedTime(subject, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
    RenderedEmail edited = templates.render(action("welcome", Map.of("firstName", "Ann"), Map.of()));
    assertThat(edited.subject()).isEqualTo("Hey Ann");
    assertThat(edited.text()).as("the shipped text, as the folder has none").contains("Thank you for signing up");
  }

  @Test
  void anUnknownTemplateOrANameThatIsAPathIsNotFound() {
    EmailTemplates templates = new EmailTemplates(null);
    assertThatThrownBy(() -> templates.render(action("no-such-template", Map.of(), Map.of())))
        .isInstanceOf(TemplateNotFound.class);
    assertThatThrownBy(() -> templates.render(action("../../etc/passwd", Map.of(), Map.of())))
        .isInstanceOf(TemplateNotFound.class);
  }
}
