package io.rapport.messages;

import io.vertx.core.json.JsonObject;

/**
 * The engine's answer to a batch on {@link Addresses#TOUCHPOINTS}, sent once the batch is committed: how many
 * touchpoints were new and decided, how many had been stored before. On the wire: {"accepted": n, "duplicates": m}.
 */
public record IngestResult(int accepted, int duplicates) {
  public static final IngestResult NONE = new IngestResult(0, 0);

  public JsonObject toJson() {
    return new JsonObject().put("accepted", accepted).put("duplicates", duplicates);
  }

  public static IngestResult fromJson(JsonObject json) {
    return new IngestResult(json.getInteger("accepted", 0), json.getInteger("duplicates", 0));
  }
}
