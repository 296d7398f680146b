package io.rapport.engine.config;

/** A configuration value Rapport refuses to start with; the message names the key and why. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
