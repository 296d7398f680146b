package io.rapport.engine.store;

/**
 * Which customers a page lists: those in {@code stage} (null: every stage) whose id starts with {@code idPrefix}
 * (empty: any id), after the id {@code afterId} (null: from the first), at most {@code limit}, in id order.
 */
public record CustomerFilter(String stage, String idPrefix, String afterId, int limit) {
  public CustomerFilter {
    idPrefix = idPrefix == null ? "" : idPrefix;
    if (limit < 1) {
      throw new IllegalArgumentException("a page holds at least one customer");
    }
  }

  /** Whether this customer belongs on a page of this filter (after the cursor aside). */
  public boolean matches(String id, String customerStage) {
    return (stage == null || stage.equals(customerStage)) && id.startsWith(idPrefix);
  }
}
