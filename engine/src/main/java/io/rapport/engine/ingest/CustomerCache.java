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

  void put(Customer customer) {
    if (capacity > 0) {
      entries.put(customer.getId(), customer);
    }
  }

  void forget(String id) {
    entries.remove(id);
  }

  int size() {
    return entries.size();
  }
}
