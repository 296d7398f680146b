package io.rapport.engine.store;

/**
 * A write met a touchpoint id that is already stored, and wrote nothing: the caller looks the
 * batch's ids up and writes it again without the duplicates.
 */
public final class TouchpointAlreadyStored extends RuntimeException {
  public TouchpointAlreadyStored(String message, Throwable cause) {
    super(message, cause);
  }
}
