package io.rapport.routes.ingest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;

/**
 * Touchpoints that passed validation, handed to the engine on the event bus without a copy: a
 * JsonArray would be deep-copied on the way, which cost a fifth of the HTTP route's time. The
 * route lets go of the batch once sent, so sharing it is safe; it never leaves this JVM.
 */
public record ValidTouchpoints(JsonArray items) {
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
