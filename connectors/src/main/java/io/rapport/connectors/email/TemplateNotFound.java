package io.rapport.connectors.email;

/** No template of that name, neither in email.templates-dir nor among the shipped ones. */
public final class TemplateNotFound extends IllegalArgumentException {
  public TemplateNotFound(String message) {
    super(message);
  }
}
