package dev.orchard.engine.trial;

/** One reported value of one metric of a trial at one step. */
public record MetricPoint(int trial, long step, String name, double value, long wallTimeMillis) {
}
