package io.rapport.routes;

/** Names on the Vert.x event bus shared by the routes and the engine, declared once. */
public final class Addresses {
  /**
   * Validated touchpoint batches (a JsonArray, or ValidTouchpoints from the HTTP route), request-reply:
   * {"accepted": n, "duplicates": m}.
   */
  public static final String TOUCHPOINTS = "rapport.touchpoints";
  /** Due actions (a JsonObject), request-reply: {"outcome": "sent"|"failed", ...}. */
  public static final String ACTIONS = "rapport.actions";
  /** The field of an action naming the connector route that delivers it ("log", "webhook"). */
  public static final String CONNECTOR = "connector";

  private Addresses() {}
}
