package io.rapport.engine.store;

/** The store failed; {@link #retriable()} says whether trying again can help. */
public final class StoreException extends RuntimeException {
  private final boolean retriable;

  public StoreException(String message, Throwable cause, boolean retriable) {
    super(message, cause);
    this.retriable = retriable;
  }

  public boolean retriable() {
    return retriable;
  }
}
