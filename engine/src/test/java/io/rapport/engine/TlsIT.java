package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rapport.engine.config.ConfigException;
import io.rapport.engine.config.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a certificate and its key in PEM files, the server speaks HTTPS, on the same port, and only HTTPS. */
class TlsIT {

  @Test
  void withACertificateAndItsKeyTheServerSpeaksHttpsOnly(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
    assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(openssl.exitValue()).isZero();

    try (Server server = Server.start(Settings.of(Map.of("http.port", "0", "data.dir", dir.resolve("data").toString(),
        "drop.dir", "off", "http.tls.cert", cert.toString(), "http.tls.key", key.toString())))) {
      HttpClient https = HttpClient.newBuilder().sslContext(trustingEveryone()).connectTimeout(Duration.ofSeconds(5))
          .build();
      HttpResponse<String> ready = https.send(HttpRequest.newBuilder(
          URI.create("https://127.0.0.1:" + server.port() + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      HttpResponse<String> closed = https.send(HttpRequest.newBuilder(
          URI.create("https://127.0.0.1:" + server.port() + "/v1/rules")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(closed.statusCode()).as("keys still apply").isEqualTo(401);

      assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/health/ready")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString())).as("plain HTTP is not served").isInstanceOf(Exception.class);
    }
  }

  @Test
  void aCertificateWithoutItsKeyIsRefusedAtStart() {
    assertThatThrownBy(() -> Settings.of(Map.of("http.tls.cert", "/etc/rapport/cert.pem")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.tls.key");
  }

  /** The test's own certificate is self-signed: trust it (and only in this test). */
  private static SSLContext trustingEveryone() throws Exception {
    TrustManager[] all = {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }};
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, all, null);
    return context;
  }
}
