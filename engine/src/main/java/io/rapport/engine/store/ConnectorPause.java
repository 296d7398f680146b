package io.rapport.engine.store;

import java.time.Instant;

/** A connector an operator paused, when and with which admin key: its actions wait until it is resumed. */
public record ConnectorPause(String connector, Instant since, String by) {}
