package io.rapport.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionerTest {

  @Test
  void everyIdLandsOnAPartitionThatExistsEvenOneWhoseHashIsTheSmallestInteger() {
    assertThat("polygenelubricants".hashCode()).isEqualTo(Integer.MIN_VALUE);
    for (int partitions : new int[] {1, 3, 8, 32}) {
      Partitioner p = new Partitioner(partitions);
      for (String id : new String[] {"polygenelubricants", "", "c-1042", "顧客-7", "\uD83D\uDE00"}) {
        assertThat(p.partitionOf(id)).as(id + " of " + partitions).isBetween(0, partitions - 1);
      }
    }
  }

  @Test
  void customersSpreadEvenlyOverPartitions() {
    Partitioner p = new Partitioner(8);
    int[] counts = new int[8];
    for (int i = 0; i < 80_000; i++) {
      counts[p.partitionOf("c-" + i)]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(9_000, 11_000);
    }
  }
}
