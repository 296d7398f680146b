package io.rapport.engine.rulebase;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.engine.store.InMemoryStore;
import io.rapport.rules.RuleFiles;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A rule base stored by an earlier release follows this release's defaults where nobody edited them: when the
 * engine stopped scheduling the inactivity timers itself, retention.drl took them over, and a store still holding
 * the earlier retention.drl would otherwise never put anyone at risk again.
 */
class ReleaseDefaultsTest {
  private static final String RETENTION = RuleFiles.DEFAULT_FOLDER + "/retention.drl";

  @Test
  void anUneditedEarlierDefaultIsReplacedByThisReleasesAsANewVersion() throws Exception {
    InMemoryStore store = new InMemoryStore();
    Map<String, String> earlier = storedByAnEarlierRelease(earlierRetention());
    store.saveRules(earlier, "earlier", Instant.now(), "rapport", "first start");

    RuleBase base = RuleBase.open(store, null, Clock.systemUTC());

    assertThat(base.current().version()).isEqualTo(2);
    assertThat(base.current().activatedBy()).isEqualTo("rapport");
    assertThat(base.current().files().get(RETENTION)).isEqualTo(RuleFiles.defaults().get(RETENTION))
        .isNotEqualTo(earlier.get(RETENTION));
    assertThat(base.active().get().ruleNames()).contains("Every purchase starts the quiet spell again");
  }

  @Test
  void anEditedFileIsLeftAsItIs() throws Exception {
    InMemoryStore store = new InMemoryStore();
    String edited = earlierRetention().replace("no purchase for 365 days", "a year without a purchase");
    Map<String, String> files = storedByAnEarlierRelease(edited);
    store.saveRules(files, "edited", Instant.now(), "a marketer", "edited");

    RuleBase base = RuleBase.open(store, null, Clock.systemUTC());

    assertThat(base.current().version()).isEqualTo(1);
    assertThat(base.current().files().get(RETENTION)).isEqualTo(edited);
  }

  @Test
  void aRuleBaseOnTodaysDefaultsStaysAtItsVersion() {
    InMemoryStore store = new InMemoryStore();
    RuleBase first = RuleBase.open(store, null, Clock.systemUTC());
    RuleBase again = RuleBase.open(store, null, Clock.systemUTC());
    assertThat(again.current().version()).isEqualTo(first.current().version()).isEqualTo(1);
  }

  private static Map<String, String> storedByAnEarlierRelease(String retention) {
    Map<String, String> files = new TreeMap<>(RuleFiles.defaults());
    files.putAll(RuleFiles.defaultScenarios());
    files.put(RETENTION, retention);
    return files;
  }

  private static String earlierRetention() throws Exception {
    try (var in = ReleaseDefaultsTest.class.getResourceAsStream("/earlier-defaults/retention.drl")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
