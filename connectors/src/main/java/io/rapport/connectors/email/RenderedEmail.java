package io.rapport.connectors.email;

/** An email filled in for one customer: subject, plain text and HTML. */
public record RenderedEmail(String subject, String text, String html) {}
