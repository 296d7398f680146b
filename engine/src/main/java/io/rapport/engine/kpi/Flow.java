package io.rapport.engine.kpi;

/** How many stage transitions went from one stage to another in a window. */
public record Flow(String from, String to, long count) {}
