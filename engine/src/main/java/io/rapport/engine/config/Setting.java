package io.rapport.engine.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration key: its name in the config file, its environment variable, default, description, the parser
 * that validates it, whether it is a secret (never shown) and whether routes may read it as {@code {{rapport.KEY}}}.
 */
public record Setting<T>(
    String key, String defaultValue, String description, boolean secret, boolean routes, Function<String, T> parser) {

  static <T> Setting<T> of(String key, String defaultValue, String description, Function<String, T> parser) {
    return new Setting<>(key, defaultValue, description, false, true, parser);
  }

  static Setting<String> secret(String key, String defaultValue, String description) {
    return new Setting<>(key, defaultValue, description, true, true, v -> v);
  }

  /** This setting, never shown (its value is validated by its parser all the same). */
  Setting<T> asSecret() {
    return new Setting<>(key, defaultValue, description, true, routes, parser);
  }

  /** This setting, kept from the routes: a route file has no business with it. */
  Setting<T> hiddenFromRoutes() {
    return new Setting<>(key, defaultValue, description, secret, false, parser);
  }

  /** The environment variable that overrides this key: http.port is RAPPORT_HTTP_PORT. */
  public String env() {
    return "RAPPORT_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  T parse(String raw) {
    try {
      return parser.apply(raw.trim());
    } catch (RuntimeException e) {
      String shown = secret ? "(secret)" : "'" + raw + "'";
      throw new ConfigException(key + " (" + env() + "): " + shown + " " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "Setting[" + key + "]";
  }
}
