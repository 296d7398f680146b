package io.rapport.engine.ingest;

/** Maps a customer to the partition that decides all of that customer's touchpoints. */
public record Partitioner(int partitions) {

  public Partitioner {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1");
    }
  }

  public int partitionOf(String customerId) {
    int h = customerId.hashCode();
    h ^= h >>> 16; // String.hashCode puts little entropy in the low bits for short ids
    h *= 0x45d9f3b;
    h ^= h >>> 16;
    return Math.floorMod(h, partitions);
  }
}
