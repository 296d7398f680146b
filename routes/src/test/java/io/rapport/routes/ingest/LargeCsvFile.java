package io.rapport.routes.ingest;

import io.rapport.messages.ValidTouchpoints;
import io.rapport.routes.mappings.Mappings;
import java.nio.file.Path;
import java.util.Iterator;

/** Reads a CSV file as the drop folder does (both passes) and prints how many touchpoints it handed over. */
public final class LargeCsvFile {
  private LargeCsvFile() {}

  public static void main(String[] args) {
    CsvFile csv = new CsvFile(Path.of(args[0]), Mappings.in(""), 1000, false);
    long checked = csv.check();
    long handed = 0;
    for (Iterator<ValidTouchpoints> chunks = csv.chunks(); chunks.hasNext(); ) {
      handed += chunks.next().items().size();
    }
    System.out.println("checked " + checked + " handed " + handed);
  }
}
