package io.rapport.engine.store.jdbc;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * An Instant as ISO-8601 text in UTC, as PostgreSQL reads it back: the group commit writes several
 * per touchpoint, and {@link Instant#toString} builds them through intermediate strings that were a
 * tenth of what a partition allocated. Years outside 0000-9999 fall back to {@code toString}.
 */
final class IsoText {
  private static final long YEAR_0 = -62_167_219_200L; // 0000-01-01T00:00:00Z
  private static final long YEAR_10000 = 253_402_300_800L; // 10000-01-01T00:00:00Z

  private IsoText() {}

  static String of(Instant i) {
    return i == null ? null : append(new StringBuilder(27), i).toString();
  }

  static StringBuilder append(StringBuilder out, Instant i) {
    long seconds = i.getEpochSecond();
    if (seconds < YEAR_0 || seconds >= YEAR_10000) {
      return out.append(i);
    }
    LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
    pad(out, t.getYear(), 4).append('-');
    pad(out, t.getMonthValue(), 2).append('-');
    pad(out, t.getDayOfMonth(), 2).append('T');
    pad(out, t.getHour(), 2).append(':');
    pad(out, t.getMinute(), 2).append(':');
    pad(out, t.getSecond(), 2);
    int nanos = i.getNano();
    if (nanos != 0) {
      out.append('.');
      if (nanos % 1000 == 0) {
        pad(out, nanos / 1000, 6);
      } else {
        pad(out, nanos, 9);
      }
    }
    return out.append('Z');
  }

  private static StringBuilder pad(StringBuilder out, int value, int width) {
    for (int limit = 10, digits = 1; digits < width; digits++, limit *= 10) {
      if (value < limit) {
        out.append('0');
      }
    }
    return out.append(value);
  }
}
