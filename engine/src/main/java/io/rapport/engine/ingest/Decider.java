package io.rapport.engine.ingest;

import io.rapport.messages.IngestResult;
import io.rapport.rules.Touchpoint;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where the engine's own touchpoints (fired timers) go to be decided, like any channel's, without a detour. */
@FunctionalInterface
public interface Decider {
  /** Completes once the batch is committed; fails with {@link IngestRefused} otherwise. */
  CompletableFuture<IngestResult> decide(List<Touchpoint> touchpoints);
}
