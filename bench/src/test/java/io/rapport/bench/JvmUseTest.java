package io.rapport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class JvmUseTest {
  private static JvmUse now() {
    return JvmUse.read(ManagementFactory.getCompilationMXBean(), ManagementFactory.getGarbageCollectorMXBeans());
  }

  @Test
  void aCollectionInTheWindowIsCounted() {
    JvmUse before = now();
    System.gc();
    JsonObject window = now().since(before);

    assertThat(window.getLong("gc_count")).isGreaterThanOrEqualTo(1);
    // its time may round to 0 ms on a small heap, but never goes back
    assertThat(window.getLong("gc_ms")).isGreaterThanOrEqualTo(0);
  }

  @Test
  void theCompilersShareIsOfOneCoreOverTheWindow() {
    JvmUse earlier = new JvmUse(1_000, 0, 0, 0);
    JvmUse later = new JvmUse(1_500, 40, 2, 2_000_000_000L);

    JsonObject window = later.since(earlier);

    assertThat(window.getDouble("jit_share")).isEqualTo(0.25);
    assertThat(window.getLong("gc_count")).isEqualTo(2);
    assertThat(window.getLong("gc_ms")).isEqualTo(40);
  }
}
