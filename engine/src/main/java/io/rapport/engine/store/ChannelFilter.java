package io.rapport.engine.store;

import java.util.Set;

/**
 * Which action channels a relay may claim now: every channel but some (those whose connector is paused or off), or
 * only some (when the connector of every other channel is paused or off). Actions of the others wait, pending.
 */
public record ChannelFilter(boolean only, Set<String> channels) {
  public ChannelFilter {
    channels = Set.copyOf(channels);
  }

  public static ChannelFilter all() {
    return new ChannelFilter(false, Set.of());
  }

  public static ChannelFilter except(Set<String> channels) {
    return new ChannelFilter(false, channels);
  }

  public static ChannelFilter only(Set<String> channels) {
    return new ChannelFilter(true, channels);
  }

  public boolean admits(String channel) {
    return only == channels.contains(channel);
  }

  /** Whether no channel is held back. */
  public boolean admitsAll() {
    return !only && channels.isEmpty();
  }
}
