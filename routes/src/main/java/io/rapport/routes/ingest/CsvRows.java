package io.rapport.routes.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.rapport.messages.RejectedInput;
import io.vertx.core.json.JsonArray;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The rows of a CSV file with a header row, read one at a time as header -> cell and numbered from 1 (the first row
 * after the header); a row that is not CSV is refused naming it. Comma-separated UTF-8; a spreadsheet's byte-order
 * mark, blank lines and spaces around cells are skipped.
 */
final class CsvRows implements Iterator<Map<String, String>>, Closeable {
  /** What a spreadsheet saving "CSV UTF-8" puts before the header: not part of the first header's name. */
  private static final int BYTE_ORDER_MARK = 0xFEFF;
  private static final CsvMapper CSV = new CsvMapper();
  private final Path file;
  private final Reader reader;
  private final MappingIterator<Map<String, String>> rows;
  private long number;

  CsvRows(Path file) {
    this.file = file;
    Reader opened = null;
    try {
      opened = Files.newBufferedReader(file, StandardCharsets.UTF_8);
      opened.mark(1);
      if (opened.read() != BYTE_ORDER_MARK) {
        opened.reset();
      }
      this.rows = CSV.readerForMapOf(String.class).with(CsvSchema.emptySchema().withHeader())
          .with(CsvParser.Feature.TRIM_SPACES).with(CsvParser.Feature.SKIP_EMPTY_LINES).readValues(opened);
      this.reader = opened;
    } catch (IOException | RuntimeException e) {
      closeQuietly(opened, e);
      throw e instanceof IOException io ? unreadable(io) : (RuntimeException) e;
    }
  }

  /** The header row's names, in order; empty for a file without rows. */
  List<String> headers() {
    List<String> names = new ArrayList<>();
    if (hasNext()) { // the header is read with the first row
      ((CsvSchema) rows.getParserSchema()).forEach(c -> names.add(c.getName()));
    }
    return names;
  }

  /** The number of the row {@link #next()} gave last. */
  long number() {
    return number;
  }

  @Override
  public boolean hasNext() {
    try {
      return rows.hasNextValue();
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  @Override
  public Map<String, String> next() {
    try {
      number++;
      return rows.nextValue();
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  private RuntimeException unreadable(IOException e) {
    if (e instanceof JsonProcessingException j) {
      return new RejectedInput(400, "row " + Math.max(1, number) + " is not valid CSV: " + j.getOriginalMessage(),
          new JsonArray());
    }
    return new UncheckedIOException("cannot read " + file, e);
  }

  private static void closeQuietly(Reader reader, Exception failure) {
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }

  @Override
  public void close() {
    try {
      rows.close();
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
