package io.rapport.engine.rulebase;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.engine.store.InMemoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules directory's watcher takes a change only once the folder has stayed the same for a whole interval. */
class RuleBaseWatchTest {
  private static final String RULE = """
      package rapport.journey
      import io.rapport.rules.Touchpoint
      rule "%s"
      when
          Touchpoint( type == "purchase" )
      then
      end
      """;

  @TempDir Path rules;

  @Test
  void aChangeGoesLiveAtTheSecondLookThatFindsItUnchanged() throws Exception {
    Files.writeString(rules.resolve("mine.drl"), RULE.formatted("First"));
    RuleBase base = RuleBase.open(new InMemoryStore(), rules, Clock.systemUTC());
    int started = base.current().version();

    Files.writeString(rules.resolve("mine.drl"), RULE.formatted("Second"));
    assertThat(base.watch(rules)).as("first look at the change: it may still be being written").isEmpty();
    assertThat(base.watch(rules)).as("second look, unchanged").hasValueSatisfying(v -> assertThat(v.version()).isEqualTo(started + 1));
    assertThat(base.watch(rules)).as("nothing new").isEmpty();
  }

  @Test
  void aFileCaughtEmptiedWhileBeingWrittenIsNeverTried() throws Exception {
    Files.writeString(rules.resolve("mine.drl"), RULE.formatted("First"));
    RuleBase base = RuleBase.open(new InMemoryStore(), rules, Clock.systemUTC());
    int started = base.current().version();

    Files.writeString(rules.resolve("mine.drl"), ""); // an editor's save: the file is emptied, then written
    assertThat(base.watch(rules)).isEmpty();
    Files.writeString(rules.resolve("mine.drl"), RULE.formatted("Second"));
    assertThat(base.watch(rules)).isEmpty();
    assertThat(base.watch(rules)).hasValueSatisfying(v -> assertThat(v.version()).isEqualTo(started + 1));
    assertThat(base.current().version()).isEqualTo(started + 1);
  }
}
