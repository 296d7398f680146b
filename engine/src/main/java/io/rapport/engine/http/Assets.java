package io.rapport.engine.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Static files from the classpath under {@code /assets/FOLDER/NAME}: the console's own files and those of the WebJars
 * it uses (ECharts, Swagger UI), read once and kept in memory. Only a known folder and a plain file name are served,
 * so no request reaches another resource of the classpath.
 */
final class Assets {
  static final String PREFIX = "/assets/";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8", "css",
      "text/css; charset=utf-8", "html", "text/html; charset=utf-8", "png", "image/png", "svg", "image/svg+xml",
      "json", "application/json");
  private final Vertx vertx;
  /** Folder in the URL to folder on the classpath. */
  private final Map<String, String> folders;
  /** The files found so far; a name not found is not kept, so that made-up names cannot fill the memory. */
  private final Map<String, Buffer> read = new ConcurrentHashMap<>();

  Assets(Vertx vertx, Map<String, String> folders) {
    this.vertx = vertx;
    this.folders = Map.copyOf(folders);
  }

  /** The classpath folder of a WebJar's files, at the version on the classpath (from its Maven metadata). */
  static String webJar(String group, String artifact, String inside) {
    String pom = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(pom)) {
      if (in == null) {
        throw new IllegalStateException("the WebJar " + group + ":" + artifact + " is not on the classpath");
      }
      Properties p = new Properties();
      p.load(in);
      return "META-INF/resources/webjars/" + artifact + "/" + p.getProperty("version") + "/" + inside;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GET /assets/FOLDER/NAME. */
  void serve(RoutingContext ctx) {
    String rest = ctx.normalizedPath().substring(PREFIX.length());
    int slash = rest.indexOf('/');
    String folder = slash < 0 ? null : folders.get(rest.substring(0, slash));
    String name = slash < 0 ? "" : rest.substring(slash + 1);
    if (folder == null || !NAME.matcher(name).matches()) {
      Errors.send(ctx, 404, "no such file");
      return;
    }
    send(ctx, folder + name);
  }

  /** Answers with this classpath resource, or 404. */
  void send(RoutingContext ctx, String resource) {
    Buffer known = read.get(resource);
    if (known != null) {
      answer(ctx, resource, Optional.of(known));
      return;
    }
    // reading a resource out of a jar blocks: once per file, off the event loop
    vertx.executeBlocking(() -> {
      Optional<Buffer> file = load(resource);
      file.ifPresent(f -> read.putIfAbsent(resource, f));
      return file;
    }, false)
        .onSuccess(file -> answer(ctx, resource, file))
        .onFailure(e -> Errors.send(ctx, 500, "cannot read " + resource));
  }

  private static Optional<Buffer> load(String resource) {
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? Optional.empty() : Optional.of(Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void answer(RoutingContext ctx, String resource, Optional<Buffer> file) {
    if (file.isEmpty()) {
      Errors.send(ctx, 404, "no such file");
      return;
    }
    String extension = resource.substring(resource.lastIndexOf('.') + 1);
    HttpServerResponse response = ctx.response();
    guarded(response).putHeader("Content-Type", TYPES.getOrDefault(extension, "application/octet-stream"))
        .putHeader("Cache-Control", "no-cache").end(file.get());
  }

  /**
   * The headers every page and file of the console carries: scripts only from this server's files (no inline
   * script, no eval), data only from its API, never framed.
   */
  static HttpServerResponse guarded(HttpServerResponse response) {
    return response
        .putHeader("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
  }
}
