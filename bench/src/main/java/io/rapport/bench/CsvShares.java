package io.rapport.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Rows of one table as CSV in UTF-8, dealt round-robin into a number of shares, one per COPY
 * stream, each in chunks of about 8 MB. The rows are kept as text, not as the objects they came
 * from: a fast run accepts eight million touchpoints and more, and as objects they took more than
 * the benchmark's default heap.
 */
final class CsvShares {
  static final int CHUNK = 8 << 20;
  private final List<List<byte[]>> chunks = new ArrayList<>();
  private final List<StringBuilder> open = new ArrayList<>();
  private long rows;

  CsvShares(int shares) {
    if (shares < 1) {
      throw new IllegalArgumentException("shares must be at least 1, not " + shares);
    }
    for (int k = 0; k < shares; k++) {
      chunks.add(new ArrayList<>());
      open.add(new StringBuilder());
    }
  }

  /** Appends one row, written by {@code row} with its newline, to the next share in turn. */
  void add(Consumer<StringBuilder> row) {
    int k = (int) (rows++ % open.size());
    StringBuilder b = open.get(k);
    row.accept(b);
    if (b.length() >= CHUNK) {
      chunks.get(k).add(b.toString().getBytes(StandardCharsets.UTF_8));
      b.setLength(0);
    }
  }

  long rows() {
    return rows;
  }

  /**
   * Share {@code k} of {@code streams}: with one stream, every row; otherwise {@code streams} must
   * be the number of shares.
   */
  List<byte[]> share(int k, int streams) {
    if (streams != 1 && streams != open.size()) {
      throw new IllegalArgumentException(rows + " rows are dealt into " + open.size() + " shares, not " + streams);
    }
    List<byte[]> share = new ArrayList<>();
    for (int s = 0; s < open.size(); s++) {
      if (streams == 1 || s == k) {
        share.addAll(chunks.get(s));
        if (!open.get(s).isEmpty()) {
          share.add(open.get(s).toString().getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    return share;
  }
}
