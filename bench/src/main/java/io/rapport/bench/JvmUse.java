package io.rapport.bench;

import io.vertx.core.json.JsonObject;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.util.List;

/**
 * What a JVM had spent, at one moment, on other work than the load: compiling and collecting. Two
 * readings tell whether a window's stalls can be the server's JIT or its collector.
 */
record JvmUse(long compilingMillis, long collectingMillis, long collections, long nanos) {

  static JvmUse read(CompilationMXBean compiler, List<GarbageCollectorMXBean> collectors) {
    long collecting = 0;
    long count = 0;
    for (GarbageCollectorMXBean c : collectors) {
      // -1 where a collector does not say
      collecting += Math.max(0, c.getCollectionTime());
      count += Math.max(0, c.getCollectionCount());
    }
    return new JvmUse(compilingMillis(compiler), collecting, count, System.nanoTime());
  }

  /** Milliseconds all compiler threads have spent compiling, or 0 where the JVM does not say. */
  static long compilingMillis(CompilationMXBean compiler) {
    return compiler != null && compiler.isCompilationTimeMonitoringSupported() ? compiler.getTotalCompilationTime() : 0;
  }

  /**
   * Since {@code earlier}: the share of one core the compiler took, and the collections with their
   * time (for the parallel collector, stop-the-world pauses).
   */
  JsonObject since(JvmUse earlier) {
    double seconds = (nanos - earlier.nanos) / 1e9;
    return new JsonObject()
        .put("jit_share", seconds <= 0 ? null : Math.round((compilingMillis - earlier.compilingMillis) / 10.0 / seconds) / 100.0)
        .put("gc_count", collections - earlier.collections)
        .put("gc_ms", collectingMillis - earlier.collectingMillis);
  }
}
