package io.rapport.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Event time: touchpoints at T come before timers due at T; timers fire in due order. */
class TimelineTest {
  private final List<String> decided = new ArrayList<>();
  private final Timeline timeline = new Timeline(RuleBook.defaults(), (t, d, c) -> decided.add(
      t.type().equals(Touchpoint.TIMER) ? "timer " + t.text("name") + " @" + t.occurredAt() : t.id()));

  private static Touchpoint purchase(String id, String customer, String at) {
    return new Touchpoint(id, customer, "purchase", Instant.parse(at), "web", BigDecimal.TEN, "EUR", Map.of());
  }

  @Test
  void aTouchpointAtTheDueTimeIsDecidedBeforeTheTimerFires() {
    timeline.offer(purchase("p1", "c", "2026-01-01T00:00:00Z"));
    timeline.offer(new Touchpoint("v1", "c", "web_visit", Instant.parse("2026-01-08T00:00:00Z"), "web", null, null, Map.of()));
    timeline.offer(new Touchpoint("v2", "c", "web_visit", Instant.parse("2026-01-08T00:00:01Z"), "web", null, null, Map.of()));
    assertThat(decided).containsExactly("p1", "v1", "timer review-request @2026-01-08T00:00:00Z", "v2");
  }

  @Test
  void timersOfManyCustomersFireInDueOrderAtTheEnd() {
    timeline.offer(purchase("p1", "a", "2026-01-02T00:00:00Z"));
    timeline.offer(purchase("p2", "b", "2026-01-01T00:00:00Z"));
    timeline.finish(Instant.parse("2026-04-02T00:00:00Z"));
    assertThat(decided).containsExactly("p1", "p2",
        "timer review-request @2026-01-08T00:00:00Z", "timer review-request @2026-01-09T00:00:00Z",
        "timer inactive-90 @2026-04-01T00:00:00Z", "timer inactive-90 @2026-04-02T00:00:00Z");
    assertThat(timeline.customer("a").getStage()).isEqualTo("AT_RISK");
    assertThat(timeline.pendingTimers()).extracting(TimerRequest::name).containsExactly("inactive-365", "inactive-365");
  }

  @Test
  void aRescheduledTimerFiresOnlyAtItsNewTime() {
    timeline.offer(purchase("p1", "c", "2026-01-01T00:00:00Z"));
    timeline.offer(purchase("p2", "c", "2026-03-01T00:00:00Z"));
    timeline.finish(Instant.parse("2026-05-29T23:59:59Z"));
    assertThat(decided).noneMatch(d -> d.startsWith("timer inactive-90"));
    timeline.finish(Instant.parse("2026-05-30T00:00:00Z"));
    assertThat(decided).contains("timer inactive-90 @2026-05-30T00:00:00Z");
  }
}
