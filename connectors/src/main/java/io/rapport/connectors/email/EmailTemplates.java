package io.rapport.connectors.email;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheResolver;
import com.github.mustachejava.reflect.MapObjectHandler;
import io.rapport.messages.ActionMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The email templates: per action template NAME, NAME.subject, NAME.txt and NAME.html, read from email.templates-dir
 * when it has them and else from the shipped defaults (classpath rapport/email-templates). They are Mustache: a
 * logic-less language, so a template can only insert values and repeat or skip sections, never run code; values are
 * looked up in plain maps only (no method of any object is called); the HTML is escaped by default, and a template
 * that asks for unescaped output ({{{...}}} or {{&...}}) or a partial is refused. Subject and text are plain text:
 * not escaped, and the subject is kept to one line.
 */
public final class EmailTemplates {
  private static final String SHIPPED = "rapport/email-templates/";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,99}");
  private static final Pattern UNESCAPED = Pattern.compile("\\{\\{\\{|\\{\\{\\s*&|\\{\\{\\s*>|\\{\\{\\s*=");
  private static final int LONGEST_SUBJECT = 200;

  private final Path dir;
  private final DefaultMustacheFactory html = factory(true);
  private final DefaultMustacheFactory text = factory(false);
  /** Compiled templates by file and its last change, so that an edit applies to the next email. */
  private final Map<String, Mustache> compiled = new ConcurrentHashMap<>();

  /** @param dir email.templates-dir, or null for the shipped templates only */
  public EmailTemplates(Path dir) {
    this.dir = dir;
  }

  /** @throws TemplateNotFound when there is no such template; IllegalArgumentException when a template is unsafe */
  public RenderedEmail render(ActionMessage action) {
    String name = action.template();
    if (name == null || !NAME.matcher(name).matches()) {
      throw new TemplateNotFound("no email template named '" + name + "'");
    }
    Map<String, Object> scope = Scope.of(action);
    String subject = fill(name + ".subject", text, scope).replaceAll("[\\r\\n\\t]+", " ").strip();
    if (subject.length() > LONGEST_SUBJECT) {
      subject = subject.substring(0, LONGEST_SUBJECT);
    }
    return new RenderedEmail(subject, fill(name + ".txt", text, scope), fill(name + ".html", html, scope));
  }

  private String fill(String file, DefaultMustacheFactory factory, Map<String, Object> scope) {
    Source source = source(file);
    Mustache m = compiled.computeIfAbsent(source.key() + (factory == html ? "#html" : "#text"), k -> {
      if (UNESCAPED.matcher(source.text()).find()) {
        throw new IllegalArgumentException("email template " + file + " asks for unescaped output, a partial or other "
            + "delimiters: only {{name}} and sections {{#name}}...{{/name}} are allowed");
      }
      try {
        return factory.compile(new StringReader(source.text()), file);
      } catch (MustacheException e) {
        throw new IllegalArgumentException("email template " + file + " does not compile: " + e.getMessage(), e);
      }
    });
    StringWriter out = new StringWriter();
    m.execute(out, scope);
    return out.toString();
  }

  private record Source(String key, String text) {}

  private Source source(String file) {
    try {
      if (dir != null) {
        Path p = dir.resolve(file);
        if (Files.isRegularFile(p)) {
          return new Source(p + "@" + Files.getLastModifiedTime(p).toMillis(), Files.readString(p));
        }
      }
      try (InputStream in = EmailTemplates.class.getClassLoader().getResourceAsStream(SHIPPED + file)) {
        if (in == null) {
          throw new TemplateNotFound("no email template " + file + (dir == null ? "" : " in " + dir)
              + " nor among the shipped ones");
        }
        return new Source("shipped:" + file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read email template " + file, e);
    }
  }

  private static DefaultMustacheFactory factory(boolean escapeHtml) {
    MustacheResolver none = resource -> null; // no partials: a template reads no other file
    DefaultMustacheFactory f = new DefaultMustacheFactory(none) {
      @Override
      public void encode(String value, Writer writer) {
        if (escapeHtml) {
          super.encode(value, writer);
        } else {
          try {
            writer.write(value);
          } catch (IOException e) {
            throw new MustacheException("cannot write", e);
          }
        }
      }
    };
    f.setObjectHandler(new MapObjectHandler());
    return f;
  }
}
