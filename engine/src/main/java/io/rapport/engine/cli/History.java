package io.rapport.engine.cli;

import io.rapport.engine.ingest.Facts;
import io.rapport.messages.RejectedInput;
import io.rapport.messages.TouchpointReader;
import io.rapport.rules.Touchpoint;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reads a history file (canonical touchpoints as NDJSON, in time order) line by line, so a large
 * file never sits in memory; a bad line stops it with its number and reason. Draws a progress
 * bar on stderr when there is a terminal.
 */
final class History {
  /** A line that cannot be replayed. */
  static final class BadLine extends RuntimeException {
    BadLine(String message) {
      super(message);
    }
  }

  private History() {}

  static Touchpoint parse(String text, int line) {
    try {
      return Facts.touchpoint(TouchpointReader.line(text, line));
    } catch (RejectedInput e) {
      JsonObject p = e.details().getJsonObject(0);
      throw new BadLine("line " + line + ": " + (p.getString("field") == null ? "" : p.getString("field") + " ") + p.getString("reason"));
    }
  }

  static long read(Path file, Consumer<Touchpoint> sink, PrintWriter progress) throws IOException {
    long size = Math.max(1, Files.size(file));
    boolean bar = System.console() != null;
    long bytes = 0;
    int line = 0;
    long count = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String text = in.readLine(); text != null; text = in.readLine()) {
        line++;
        bytes += text.length() + 1;
        if (text.isBlank()) {
          continue;
        }
        Touchpoint t = parse(text, line);
        try {
          sink.accept(t);
        } catch (IllegalArgumentException e) {
          throw new BadLine("line " + line + ": " + e.getMessage());
        }
        count++;
        if (bar && count % 5_000 == 0) {
          int pct = (int) Math.min(100, bytes * 100 / size);
          progress.print("\r[" + "#".repeat(pct / 4) + " ".repeat(25 - pct / 4) + "] " + pct + "% " + count + " touchpoints");
          progress.flush();
        }
      }
    }
    if (bar) {
      progress.print("\r" + " ".repeat(60) + "\r");
      progress.flush();
    }
    return count;
  }
}
