package io.rapport.engine.store;

import io.rapport.rules.Customer;
import java.time.Instant;
import java.util.List;

/**
 * Everything one group commit writes in one transaction: the new touchpoints with their
 * decisions, and the customers they changed (version 0 means never stored).
 */
public record WriteBatch(List<Decided> decided, List<Customer> customers, Instant receivedAt) {
  public WriteBatch {
    decided = List.copyOf(decided);
    customers = List.copyOf(customers);
  }
}
