package io.rapport.engine.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** How the guardrails' settings are read: times of day, time zones, template names, ages per template. */
final class GuardValues {
  /** A template name, as rules name them. */
  private static final Pattern TEMPLATE = Pattern.compile("[\\p{L}\\p{N}_.-]{1,64}");

  private GuardValues() {}

  static LocalTime timeOfDay(String v) {
    try {
      return LocalTime.parse(v.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("is not a time of day such as 21:00");
    }
  }

  static ZoneId zone(String v) {
    try {
      return ZoneId.of(v.trim());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("is not a time zone such as UTC or Europe/Berlin");
    }
  }

  static Set<String> templates(String v) {
    Set<String> names = new LinkedHashSet<>();
    for (String name : v.split(",")) {
      if (!name.isBlank()) {
        names.add(template(name.trim()));
      }
    }
    return Set.copyOf(names);
  }

  static Map<String, Duration> agesByTemplate(String v) {
    Map<String, Duration> ages = new LinkedHashMap<>();
    if (v.isBlank()) {
      return Map.of();
    }
    for (String pair : v.split(",")) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("needs template=ISO-8601 duration pairs separated by commas");
      }
      ages.put(template(kv[0].trim()), age(kv[1].trim()));
    }
    return Map.copyOf(ages);
  }

  private static Duration age(String v) {
    try {
      Duration d = Duration.parse(v);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("has an age that is not longer than zero: " + v);
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("has an age that is no ISO-8601 duration such as P3D: " + v);
    }
  }

  private static String template(String name) {
    if (!TEMPLATE.matcher(name).matches()) {
      throw new IllegalArgumentException("names a template that is not one word: " + name);
    }
    return name;
  }
}
