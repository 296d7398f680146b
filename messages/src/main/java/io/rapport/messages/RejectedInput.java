package io.rapport.messages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Input refused before anything was decided, with the HTTP status and every problem found. */
public final class RejectedInput extends RuntimeException {
  private final int status;
  private final transient JsonArray details;

  public RejectedInput(int status, String error, JsonArray details) {
    super(error);
    this.status = status;
    this.details = details == null ? new JsonArray() : details;
  }

  public int status() {
    return status;
  }

  /** One object per problem: the item's index (or line), the field and the reason. */
  public JsonArray details() {
    return details;
  }

  /** The error body: {"error": "...", "details": [...]}. */
  public JsonObject toJson() {
    return new JsonObject().put("error", getMessage()).put("details", details);
  }
}
