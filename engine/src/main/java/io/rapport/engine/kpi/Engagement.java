package io.rapport.engine.kpi;

/** Marketing messages sent in the window, and the opens and clicks that came in it. */
public record Engagement(long sent, long opens, long clicks) {
  public static final Engagement NONE = new Engagement(0, 0, 0);

  /** Opens per marketing message sent, or null when none was sent. */
  public Double opensPerMessage() {
    return sent == 0 ? null : (double) opens / sent;
  }

  /** Clicks per marketing message sent, or null when none was sent. */
  public Double clicksPerMessage() {
    return sent == 0 ? null : (double) clicks / sent;
  }
}
