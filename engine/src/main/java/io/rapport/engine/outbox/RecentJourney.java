package io.rapport.engine.outbox;

import io.rapport.engine.store.CustomerJourney;
import io.rapport.engine.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What a help-desk agent reads first about a customer: the latest stage changes and actions, sent with a ticket. */
final class RecentJourney {
  /** Connectors that get the customer's recent journey with the action. */
  private static final Set<String> SHOWS_JOURNEY = Set.of("ticket");
  /** How many stage changes, and how many actions, a recent journey holds. */
  private static final int RECENT = 10;

  private RecentJourney() {}

  /** The customer's latest stage changes and actions, newest first: what a help-desk agent reads first. */
  static List<Map<String, Object>> of(Store store, String connector, String customerId) {
    if (!SHOWS_JOURNEY.contains(connector)) {
      return List.of();
    }
    CustomerJourney journey = store.journey(customerId);
    List<Map<String, Object>> recent = new ArrayList<>();
    journey.transitions().stream().skip(Math.max(0, journey.transitions().size() - RECENT)).forEach(t -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", t.at().toString());
      m.put("kind", "stage");
      m.put("from", t.from());
      m.put("to", t.to());
      m.put("reason", t.reason());
      recent.add(m);
    });
    journey.actions().stream().skip(Math.max(0, journey.actions().size() - RECENT)).forEach(x -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", x.createdAt().toString());
      m.put("kind", "action");
      m.put("channel", x.channel());
      m.put("template", x.template());
      m.put("status", x.status());
      recent.add(m);
    });
    recent.sort((x, y) -> ((String) y.get("at")).compareTo((String) x.get("at")));
    return recent;
  }
}
