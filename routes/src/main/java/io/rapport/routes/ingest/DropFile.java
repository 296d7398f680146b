package io.rapport.routes.ingest;

import io.rapport.messages.CanonicalTouchpoint;
import io.rapport.messages.RejectedInput;
import io.rapport.messages.TouchpointReader;
import io.rapport.messages.ValidTouchpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import io.rapport.routes.mappings.Mappings;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * A dropped file, NDJSON or CSV: validated whole (a file with any bad line or row is not ingested), then sent in
 * chunks; a rejected file gets a NAME.errors.json report in the .failed folder it moves to. A drop file marked as a
 * backfill hands its touchpoints over as history, whose actions are recorded but never sent.
 */
public final class DropFile {
  /** Header naming the folder (inside the drop folder) the file moves to when done. */
  public static final String MOVE_TO = "RapportMoveTo";
  public static final String DONE = ".done";
  public static final String FAILED = ".failed";
  private int chunkSize = 1000;
  private boolean backfill;
  private Mappings mappings = Mappings.in("");

  /** Whether this folder's files are history (backfill) rather than live touchpoints. */
  public void setBackfill(boolean backfill) {
    this.backfill = backfill;
  }

  /** The folder of the integrator's mappings (csv-PREFIX.jsonata); empty: the shipped ones only. */
  public void setMappingsDir(String dir) {
    this.mappings = Mappings.in(dir);
  }


  /** Touchpoints sent to the engine in one request. */
  public void setChunkSize(int chunkSize) {
    this.chunkSize = chunkSize;
  }

  /**
   * Validates the file and replaces the body with its chunks: a CSV file is checked in a first pass over the file and
   * read again chunk by chunk as they are handed over, so that its size is not held in memory.
   */
  public void split(Exchange exchange) {
    Message m = exchange.getMessage();
    m.setHeader(MOVE_TO, DONE);
    String name = m.getHeader(Exchange.FILE_NAME_ONLY, String.class);
    if (name != null && name.toLowerCase(Locale.ROOT).endsWith(".csv")) {
      CsvFile csv = new CsvFile(Path.of(m.getHeader("CamelFileAbsolutePath", String.class)), mappings, chunkSize, backfill);
      csv.check();
      m.setBody(csv.chunks());
      return;
    }
    List<CanonicalTouchpoint> all =
        TouchpointReader.parse(TouchpointReader.NDJSON, m.getBody(byte[].class), Integer.MAX_VALUE);
    List<ValidTouchpoints> chunks = new ArrayList<>();
    for (int i = 0; i < all.size(); i += chunkSize) {
      chunks.add(new ValidTouchpoints(all.subList(i, Math.min(all.size(), i + chunkSize)), backfill));
    }
    m.setBody(chunks);
  }

  /** Writes the report of a rejected file beside where it is moved. */
  public void reject(Exchange exchange) throws IOException {
    RejectedInput r = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, RejectedInput.class);
    Message m = exchange.getMessage();
    Path dir = Path.of(m.getHeader(Exchange.FILE_PARENT, String.class)).resolve(FAILED);
    Files.createDirectories(dir);
    String name = m.getHeader(Exchange.FILE_NAME_ONLY, String.class);
    Files.writeString(dir.resolve(name + ".errors.json"), r.toJson().encodePrettily(), StandardCharsets.UTF_8);
    m.setHeader(MOVE_TO, FAILED);
  }
}
