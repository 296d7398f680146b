package io.rapport.engine.store;

/**
 * A part of one table that a census counts at once: the heap pages from {@code fromPage} up to, not including,
 * {@code untilPage}. {@link #END} as {@code untilPage} runs to the table's end, so rows added while a census is taken
 * are counted too.
 */
public record CensusSlice(Table table, long fromPage, long untilPage) {
  public static final long END = Long.MAX_VALUE;

  /** The tables a census counts. */
  public enum Table {
    CUSTOMERS("customers"),
    TIMERS("timers");

    private final String sqlName;

    Table(String sqlName) {
      this.sqlName = sqlName;
    }

    /** The table's name in the store. */
    public String sqlName() {
      return sqlName;
    }
  }

  public CensusSlice {
    if (fromPage < 0 || untilPage <= fromPage) {
      throw new IllegalArgumentException("a census slice needs 0 <= fromPage < untilPage, not " + fromPage + ".." + untilPage);
    }
  }

  /** All of a table at once. */
  public static CensusSlice whole(Table table) {
    return new CensusSlice(table, 0, END);
  }

  public boolean isWhole() {
    return fromPage == 0 && untilPage == END;
  }

  public boolean runsToEnd() {
    return untilPage == END;
  }
}
