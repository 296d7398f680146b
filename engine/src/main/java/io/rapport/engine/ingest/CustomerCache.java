package io.rapport.engine.ingest;

import io.rapport.rules.Customer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The customers a partition decided recently, least recently used leaving first. Only its
 * partition's thread touches it; it holds committed state only.
 */
final class CustomerCache {
  private final int capacity;
  private final LinkedHashMap<String, Customer> entries;

  CustomerCache(int capacity) {
    this.capacity = capacity;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Customer> eldest) {
            return size() > CustomerCache.this.capacity;
          }
        };
  }

  Customer get(String id) {
    return capacity == 0 ? null : entries.get(id);
  }

  /**
   * Keeps {@code customer}'s state. A customer already here takes it over in place: the cached
   * instance has usually lived long enough to be in the old generation, and replacing it there
   * on every touch would fill that generation with dead copies, which only a full collection frees.
   */
  void put(Customer customer) {
    if (capacity == 0) {
      return;
    }
    Customer cached = entries.get(customer.getId());
    if (cached == null) {
      entries.put(customer.getId(), customer);
    } else if (cached != customer) {
      cached.takeStateOf(customer);
    }
  }

  void forget(String id) {
    entries.remove(id);
  }

  int size() {
    return entries.size();
  }
}
