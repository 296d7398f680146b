package io.rapport.engine.ingest;

import io.rapport.messages.IngestFailure;

/** A batch the engine did not (fully) take, and why: the caller may retry unless it was invalid. */
public final class IngestRefused extends RuntimeException {
  private final IngestFailure failure;

  public IngestRefused(IngestFailure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = failure;
  }

  public IngestFailure failure() {
    return failure;
  }
}
