package io.rapport.rules.replay;

import io.rapport.rules.Touchpoint;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CDNOW purchase history (shared/data/cdnow) as canonical purchases, in time order: id from
 * the line number, occurredAt the date at 00:00Z, value the dollar amount, quantity the CDs.
 */
public final class Cdnow {
  private Cdnow() {}

  /** The data file, found by walking up from the working directory; empty when absent. */
  public static Optional<Path> file() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path f = dir.resolve("shared/data/cdnow/CDNOW_master.txt");
      if (Files.isRegularFile(f)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  public static List<Touchpoint> purchases(Path file) throws IOException {
    List<Touchpoint> out = new ArrayList<>();
    int line = 0;
    for (String text : Files.readAllLines(file)) {
      line++;
      String[] f = text.trim().split("\\s+");
      if (f.length != 4 || !f[0].chars().allMatch(Character::isDigit)) {
        continue; // the header line
      }
      LocalDate date = LocalDate.parse(f[1], DateTimeFormatter.BASIC_ISO_DATE);
      out.add(new Touchpoint("cdnow-" + line, "cdnow-" + f[0], "purchase", date.atStartOfDay().toInstant(ZoneOffset.UTC),
          "web", new BigDecimal(f[3]), "USD", Map.of("quantity", Integer.parseInt(f[2]))));
    }
    // The file is in customer order; a replay wants time order (stable: same-day lines keep theirs).
    out.sort(Comparator.comparing(Touchpoint::occurredAt));
    return out;
  }
}
