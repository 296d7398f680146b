package io.rapport.engine.outbox;

import io.rapport.engine.store.OutboxAction;
import java.time.Instant;
import java.util.List;

/**
 * Where a partition hands the actions it has just committed, so that they go out at once instead
 * of waiting for the relay's next poll of the outbox.
 */
public interface ActionHandOff {
  /** Until when a write should claim its new actions for this hand-off; null leaves them to the poll. */
  Instant claimUntil(Instant now);

  /** The actions a commit claimed until {@code claimedUntil} (maybe none); new actions may be due. */
  void handOver(List<OutboxAction> claimed, Instant claimedUntil);

  /** No hand-off: each commit with actions only wakes the poll. */
  static ActionHandOff polling(Runnable wake) {
    return new ActionHandOff() {
      @Override
      public Instant claimUntil(Instant now) {
        return null;
      }

      @Override
      public void handOver(List<OutboxAction> claimed, Instant claimedUntil) {
        wake.run();
      }
    };
  }
}
