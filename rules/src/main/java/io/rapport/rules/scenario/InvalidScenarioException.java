package io.rapport.rules.scenario;

/** A scenario file that cannot be read; the message says which file, scenario and field. */
public final class InvalidScenarioException extends RuntimeException {
  public InvalidScenarioException(String message) {
    super(message);
  }
}
