package io.rapport.bench;

import java.time.Duration;
import java.util.stream.Stream;

/**
 * CPU time spent so far by the server, by the load generator (this JVM) and by PostgreSQL's
 * processes on this machine: over a window, what a touchpoint costs each of the three that share
 * the cores.
 */
record CpuUse(long serverNanos, long loadNanos, long postgresNanos) {

  static CpuUse read(long serverPid) {
    return new CpuUse(
        ProcessHandle.of(serverPid).map(CpuUse::cpuNanos).orElse(0L),
        cpuNanos(ProcessHandle.current()),
        postgresNow());
  }

  /** PostgreSQL's processes on this machine, found by their executable; 0 where there are none to see. */
  static long postgresNow() {
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
          .mapToLong(CpuUse::cpuNanos)
          .sum();
    }
  }

  CpuUse since(CpuUse earlier) {
    return new CpuUse(serverNanos - earlier.serverNanos, loadNanos - earlier.loadNanos,
        postgresNanos - earlier.postgresNanos);
  }

  private static long cpuNanos(ProcessHandle process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }
}
