package io.rapport.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionerTest {

  @Test
  void aCustomerAlwaysLandsOnTheSamePartition() {
    Partitioner p = new Partitioner(8);
    assertThat(p.partitionOf("c-1042")).isEqualTo(p.partitionOf("c-1042"));
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
