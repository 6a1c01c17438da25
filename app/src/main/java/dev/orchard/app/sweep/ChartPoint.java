package dev.orchard.app.sweep;

/** A point of the optimization-history chart: x = trial number, y = value. */
public record ChartPoint(double x, double y) {
}
