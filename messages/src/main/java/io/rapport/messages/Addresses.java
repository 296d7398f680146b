package io.rapport.messages;

/** Names on the Vert.x event bus shared by the routes, the connectors and the engine, declared once. */
public final class Addresses {
  /**
   * Touchpoints to decide, request-reply. The body is {@link ValidTouchpoints} (from a route that validated them
   * with {@link TouchpointReader}) or, from any other route, a JSON array or NDJSON text of canonical touchpoints,
   * which the engine validates itself. The reply is an {@link IngestResult}; a failure carries an {@link
   * IngestFailure} code.
   */
  public static final String TOUCHPOINTS = "rapport.touchpoints";

  /** Due actions, request-reply: an {@link ActionMessage} as JSON; the reply is a {@link DeliveryOutcome}. */
  public static final String ACTIONS = "rapport.actions";

  /**
   * Email previews, request-reply: {"template": name, "action": an {@link ActionMessage} as JSON}; the reply is
   * {"subject", "text", "html"} or a failure whose message says what is wrong (an unknown template).
   */
  public static final String TEMPLATE_PREVIEW = "rapport.templates.preview";

  private Addresses() {}
}
