package io.rapport.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CSV file far larger than the heap is checked and handed over whole: both passes stream. The file (400,000 rows,
 * about 32 MB of text, well over 150 MB as touchpoints in memory) is read in a JVM of its own with a 24 MB heap.
 */
class LargeCsvFileTest {
  private static final int ROWS = 400_000;

  @Test
  void aFileLargerThanTheHeapIsReadWhole(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("large.csv");
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("id,customerId,type,occurredAt,channel,value,currency,properties.sku\n");
      for (int i = 0; i < ROWS; i++) {
        w.write("large-" + i + ",customer-" + (i % 10_000) + ",purchase,2026-11-24T10:15:00Z,web," + (i % 500) + ".99,EUR,SKU-"
            + i + "\n");
      }
    }
    assertThat(Files.size(file)).isGreaterThan(30L << 20);
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx24m",
        "-cp", System.getProperty("java.class.path"), LargeCsvFile.class.getName(), file.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(out).as(out).contains("checked " + ROWS + " handed " + ROWS);
    assertThat(p.exitValue()).isZero();
  }
}
