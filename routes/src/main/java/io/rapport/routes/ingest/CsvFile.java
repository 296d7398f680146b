package io.rapport.routes.ingest;

import io.rapport.messages.CanonicalTouchpoint;
import io.rapport.messages.RejectedInput;
import io.rapport.messages.TouchpointReader;
import io.rapport.messages.ValidTouchpoints;
import io.rapport.routes.mappings.Mapping;
import io.rapport.routes.mappings.Mappings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.Closeable;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A dropped CSV file ({@link CsvRows}), read twice and never held whole: a first pass checks every row (a file with
 * any bad row is not ingested), a second hands the rows over in chunks. Canonical headers (id, customerId, type,
 * occurredAt, channel, value, currency, properties.NAME) need no mapping; a file whose name begins with PREFIX and a
 * dash, underscore or dot is read through the mapping csv-PREFIX.jsonata when there is one, applied to each row as an
 * object of its cells.
 */
final class CsvFile {
  /** Problems listed in the report; the rest are counted. */
  static final int MOST_REPORTED = 100;
  private static final Set<String> CANONICAL =
      Set.of("id", "customerId", "type", "occurredAt", "channel", "value", "currency");
  private static final String PROPERTIES = "properties.";
  /** Cells that read as numbers become numbers; a leading zero (a postcode, a phone number) stays text. */
  private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?");

  private final Path file;
  private final Optional<Mapping> mapping;
  private final String mappingName;
  private final int chunkSize;
  private final boolean backfill;

  CsvFile(Path file, Mappings mappings, int chunkSize, boolean backfill) {
    this.file = file;
    this.mappingName = "csv-" + prefix(file.getFileName().toString());
    try {
      this.mapping = mappings.find(mappingName);
    } catch (IllegalArgumentException e) {
      throw new RejectedInput(400, e.getMessage(), new JsonArray());
    }
    this.chunkSize = chunkSize;
    this.backfill = backfill;
  }

  /** The part of a file name before its first dash, underscore or dot, in lower case. */
  static String prefix(String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    int end = 0;
    while (end < lower.length() && "-_.".indexOf(lower.charAt(end)) < 0) {
      end++;
    }
    return lower.substring(0, end);
  }

  /**
   * The first pass: every row read, mapped and checked, nothing kept but the first problems.
   *
   * @return the number of touchpoints the file holds
   * @throws RejectedInput 400 naming the rows, fields and reasons
   */
  long check() {
    long touchpoints = 0;
    long bad = 0;
    JsonArray problems = new JsonArray();
    try (CsvRows rows = rows()) {
      while (rows.hasNext()) {
        Map<String, String> row = rows.next();
        try {
          touchpoints += touchpoints(row, rows.number()).size();
        } catch (RejectedInput e) {
          bad++;
          for (Object p : e.details().isEmpty() ? List.of(reason(rows.number(), e)) : e.details().getList()) {
            if (problems.size() < MOST_REPORTED) {
              problems.add(p);
            }
          }
        }
      }
    }
    if (bad > 0) {
      throw new RejectedInput(400, "invalid touchpoints in " + bad + " rows" + (problems.size() >= MOST_REPORTED
          ? "; the first " + MOST_REPORTED + " problems are listed" : ""), problems);
    }
    if (touchpoints == 0) {
      throw new RejectedInput(400, "the file has no touchpoints: a header row, then one row per touchpoint",
          new JsonArray());
    }
    return touchpoints;
  }

  private static JsonObject reason(long row, RejectedInput e) {
    return new JsonObject().put("row", row).put("reason", e.getMessage());
  }

  /** The second pass: the touchpoints in chunks, read as they are handed over; closed when done. */
  Iterator<ValidTouchpoints> chunks() {
    return new Chunks();
  }

  /** One row's touchpoints, checked. */
  private List<CanonicalTouchpoint> touchpoints(Map<String, String> row, long number) {
    List<JsonObject> items;
    if (mapping.isPresent()) {
      items = mapping.get().apply(row, Map.of("source", mappingName, "file", file.getFileName().toString()));
    } else {
      items = List.of(canonical(row));
    }
    List<CanonicalTouchpoint> out = new ArrayList<>(items.size());
    for (JsonObject item : items) {
      try {
        out.add(TouchpointReader.one(item));
      } catch (RejectedInput e) { // the reader names index 0: this file's readers want the row
        JsonArray details = new JsonArray();
        e.details().forEach(p -> details.add(((JsonObject) p).copy().put("row", number)));
        details.forEach(p -> ((JsonObject) p).remove("index"));
        throw new RejectedInput(400, e.getMessage(), details);
      }
    }
    return out;
  }

  private static JsonObject canonical(Map<String, String> row) {
    JsonObject t = new JsonObject();
    JsonObject properties = new JsonObject();
    row.forEach((header, cell) -> {
      if (cell == null || cell.isEmpty()) {
        return; // an empty cell is an absent field
      }
      if (header.startsWith(PROPERTIES)) {
        properties.put(header.substring(PROPERTIES.length()), cellValue(cell));
      } else if (header.equals("value")) {
        t.put(header, NUMBER.matcher(cell.trim()).matches() ? new BigDecimal(cell.trim()) : cell);
      } else {
        t.put(header, cell);
      }
    });
    if (!properties.isEmpty()) {
      t.put("properties", properties);
    }
    return t;
  }

  private static Object cellValue(String cell) {
    if (NUMBER.matcher(cell).matches()) {
      return new BigDecimal(cell);
    }
    return switch (cell) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> cell;
    };
  }

  /** The file's rows, its headers checked: without a mapping, each must be a canonical field. */
  private CsvRows rows() {
    CsvRows rows = new CsvRows(file);
    if (mapping.isPresent()) {
      return rows;
    }
    List<String> unknown = rows.headers().stream().filter(h -> !CANONICAL.contains(h)
        && !(h.startsWith(PROPERTIES) && h.length() > PROPERTIES.length())).toList();
    if (!unknown.isEmpty()) {
      rows.close();
      throw new RejectedInput(400, "the headers " + unknown + " are not canonical touchpoint fields, and there is no "
          + "mapping " + mappingName + Mappings.SUFFIX + " for files named " + mappingName.substring(4) + "-*.csv",
          new JsonArray());
    }
    return rows;
  }

  /** The chunks of the second pass; the file is closed once the last is read, or when Camel closes the split. */
  private final class Chunks implements Iterator<ValidTouchpoints>, Closeable {
    private CsvRows rows = rows();
    private final List<CanonicalTouchpoint> pending = new ArrayList<>();

    @Override
    public boolean hasNext() {
      if (!pending.isEmpty()) {
        return true;
      }
      fill();
      return !pending.isEmpty();
    }

    private void fill() {
      while (rows != null && pending.size() < chunkSize) {
        if (!rows.hasNext()) {
          close();
          return;
        }
        Map<String, String> row = rows.next();
        pending.addAll(touchpoints(row, rows.number()));
      }
    }

    @Override
    public ValidTouchpoints next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      List<CanonicalTouchpoint> chunk = new ArrayList<>(pending.subList(0, Math.min(chunkSize, pending.size())));
      pending.subList(0, chunk.size()).clear();
      return new ValidTouchpoints(chunk, backfill);
    }

    @Override
    public void close() {
      if (rows != null) {
        rows.close();
        rows = null;
      }
    }
  }
}
