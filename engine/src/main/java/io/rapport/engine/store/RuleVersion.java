package io.rapport.engine.store;

import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** One version of the rule base: its files by path, and who made it active, when and why. */
public record RuleVersion(
    int version, SortedMap<String, String> files, String checksum, Instant activatedAt, String activatedBy, String note) {

  public RuleVersion {
    files = new TreeMap<>(files);
  }

  public static RuleVersion of(int version, Map<String, String> files, String checksum, Instant at, String by, String note) {
    return new RuleVersion(version, new TreeMap<>(files), checksum, at, by, note);
  }
}
