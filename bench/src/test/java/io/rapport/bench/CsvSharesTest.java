package io.rapport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvSharesTest {

  @Test
  void rowsAreDealtInTurnAndOneStreamTakesThemAll() {
    CsvShares csv = new CsvShares(2);
    for (int i = 0; i < 5; i++) {
      int n = i;
      csv.add(b -> b.append("row-").append(n).append('\n'));
    }

    assertThat(csv.rows()).isEqualTo(5);
    assertThat(text(csv.share(0, 2))).isEqualTo("row-0\nrow-2\nrow-4\n");
    assertThat(text(csv.share(1, 2))).isEqualTo("row-1\nrow-3\n");
    assertThat(text(csv.share(0, 1)).lines().sorted())
        .containsExactly("row-0", "row-1", "row-2", "row-3", "row-4");
  }

  @Test
  void aLargeShareComesInChunksThatHoldEveryRowWhole() {
    CsvShares csv = new CsvShares(1);
    String row = "x".repeat(999) + "\n";
    int rows = 3 * CsvShares.CHUNK / row.length();
    for (int i = 0; i < rows; i++) {
      csv.add(b -> b.append(row));
    }

    List<byte[]> chunks = csv.share(0, 1);

    assertThat(chunks).hasSizeGreaterThanOrEqualTo(3);
    assertThat(chunks).allSatisfy(c -> assertThat(c[c.length - 1]).isEqualTo((byte) '\n'));
    assertThat(chunks.stream().mapToLong(c -> c.length).sum()).isEqualTo((long) rows * row.length());
  }

  @Test
  void aStreamCountOtherThanOneOrTheSharesIsRefused() {
    CsvShares csv = new CsvShares(2);
    csv.add(b -> b.append("a\n"));

    assertThatThrownBy(() -> csv.share(0, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 shares");
    assertThatThrownBy(() -> new CsvShares(0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static String text(List<byte[]> chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    chunks.forEach(out::writeBytes);
    return out.toString(StandardCharsets.UTF_8);
  }
}
