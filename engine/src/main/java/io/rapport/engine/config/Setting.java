package io.rapport.engine.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration key: its name in the config file, its environment variable, default,
 * description and the parser that validates it.
 */
public record Setting<T>(
    String key, String defaultValue, String description, boolean secret, Function<String, T> parser) {

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
}
