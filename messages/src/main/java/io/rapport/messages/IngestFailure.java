package io.rapport.messages;

/**
 * Why the engine failed a batch on {@link Addresses#TOUCHPOINTS}: the failure code of the event-bus reply, and
 * what an HTTP client is told. Retrying the same batch is always safe: what did commit counts as duplicates.
 */
public enum IngestFailure {
  /** The batch is not valid canonical touchpoints; the message says why. Retrying the same batch cannot help. */
  INVALID(400, 400, false, "invalid touchpoints"),
  /** More touchpoints are in flight than the server takes. */
  OVERLOADED(503, 503, true, "the server is saturated; retry shortly"),
  /** The store failed or is unreachable. */
  STORE_FAILED(500, 503, true,
      "the touchpoints could not be stored; retry shortly (already stored ones count as duplicates)");

  private final int code;
  private final int httpStatus;
  private final boolean retriable;
  private final String explanation;

  IngestFailure(int code, int httpStatus, boolean retriable, String explanation) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.retriable = retriable;
    this.explanation = explanation;
  }

  /** The failure code of the event-bus reply. */
  public int code() {
    return code;
  }

  /** The status an HTTP client gets. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Whether the same batch may pass later (then the client is asked to retry). */
  public boolean retriable() {
    return retriable;
  }

  /** What a client is told. */
  public String explanation() {
    return explanation;
  }

  /** The failure with this reply code; an unknown code counts as the store's, which a retry may get past. */
  public static IngestFailure ofCode(int code) {
    for (IngestFailure f : values()) {
      if (f.code == code) {
        return f;
      }
    }
    return STORE_FAILED;
  }
}
