package io.rapport.messages;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.util.List;

/**
 * Touchpoints that passed {@link TouchpointReader}, handed to the engine on the event bus as they are: a JSON copy
 * would cost the HTTP route a fifth of its time. The sender lets go of the list once sent, and it never leaves this
 * JVM, so sharing it is safe. A backfill is history being imported: it computes stages and KPIs, and the actions it
 * leads to are recorded but never sent.
 */
public record ValidTouchpoints(List<CanonicalTouchpoint> items, boolean backfill) {
  public ValidTouchpoints {
    items = List.copyOf(items);
  }

  /** Live touchpoints, not a backfill. */
  public ValidTouchpoints(List<CanonicalTouchpoint> items) {
    this(items, false);
  }

  /** Lets the event bus carry {@code ValidTouchpoints} (again, if a previous start registered it). */
  public static void register(EventBus bus) {
    bus.unregisterDefaultCodec(ValidTouchpoints.class);
    bus.registerDefaultCodec(ValidTouchpoints.class, new InMemory());
  }

  /** Delivers the same object; a clustered event bus would need a wire format, which this refuses. */
  private static final class InMemory implements MessageCodec<ValidTouchpoints, ValidTouchpoints> {
    @Override
    public void encodeToWire(Buffer buffer, ValidTouchpoints batch) {
      throw new UnsupportedOperationException("validated touchpoints stay in this JVM");
    }

    @Override
    public ValidTouchpoints decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("validated touchpoints stay in this JVM");
    }

    @Override
    public ValidTouchpoints transform(ValidTouchpoints batch) {
      return batch;
    }

    @Override
    public String name() {
      return "rapport.valid-touchpoints";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
