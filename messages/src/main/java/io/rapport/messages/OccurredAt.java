package io.rapport.messages;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Reads a touchpoint's ISO-8601 time with an offset into an Instant of microseconds (what both
 * databases keep, so a stored time compares equal to its source). The form senders use,
 * {@code 2026-11-24T10:15:00[.fraction](Z|+01:00)}, is read directly: the JDK's formatter
 * allocates a map per field and was a third of the ingest route's time. Anything else goes to
 * {@link OffsetDateTime#parse}, which accepts or refuses it exactly as before.
 */
final class OccurredAt {
  private OccurredAt() {}

  /** @throws DateTimeParseException if {@code s} is not an ISO-8601 time with an offset */
  static Instant parse(String s) {
    Instant fast = common(s);
    return fast != null ? fast : OffsetDateTime.parse(s).toInstant().truncatedTo(ChronoUnit.MICROS);
  }

  /** The common form, or null for anything else (including impossible dates, left to the JDK's message). */
  private static Instant common(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    int i = 19;
    int micros = 0;
    if (s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && isDigit(s.charAt(i))) {
        if (i - start < 6) {
          micros = micros * 10 + (s.charAt(i) - '0');
        }
        i++;
      }
      int count = i - start;
      if (count == 0 || count > 9) {
        return null;
      }
      for (int k = count; k < 6; k++) {
        micros *= 10;
      }
    }
    int offsetSeconds;
    if (i == n - 1 && s.charAt(i) == 'Z') {
      offsetSeconds = 0;
    } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
      int hours = digits(s, i + 1, 2);
      int minutes = digits(s, i + 4, 2);
      if ((hours | minutes) < 0 || hours > 18 || minutes > 59) {
        return null;
      }
      offsetSeconds = (s.charAt(i) == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
    } else {
      return null;
    }
    try {
      long epochSecond = LocalDateTime.of(year, month, day, hour, minute, second)
          .toEpochSecond(ZoneOffset.ofTotalSeconds(offsetSeconds));
      return Instant.ofEpochSecond(epochSecond, micros * 1000L);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The number in {@code count} digits at {@code from}, or -1 if any is not a digit. */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
