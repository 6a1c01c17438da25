package dev.orchard.engine.space;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Unit-cube encoding of every parameter type: {@code fromUnit} stays in the parameter's range, and {@code toUnit}
 * maps a value back into the cell (discrete types) or position (continuous types) it came from.
 */
class ParamPropertiesTest {

    // ---------------------------------------------------------------- uniform

    @Property
    void uniformStaysInRangeAndRoundTrips(@ForAll @DoubleRange(min = 0, max = 1) double u,
                                          @ForAll("bounds") double[] b) {
        var p = new UniformParam("x", b[0], b[1]);
        p.validate();
        double v = (Double) p.fromUnit(u);
        assertThat(v).isBetween(b[0], b[1]);
        // exact up to the rounding of low + u * (high - low)
        double tolerance = 4 * Math.ulp(Math.max(Math.abs(b[0]), Math.abs(b[1]))) / (b[1] - b[0]) + 1e-12;
        assertThat(p.toUnit(v)).isCloseTo(u, within(tolerance));
    }

    @Property
    void uniformAcceptsAnyFiniteBoundsAndStaysInside(@ForAll double low, @ForAll double high,
                                                      @ForAll @DoubleRange(min = 0, max = 1) double u) {
        Assume.that(Double.isFinite(low) && Double.isFinite(high) && low < high);
        var p = new UniformParam("x", low, high);
        try {
            p.validate();
        } catch (SpaceException e) {
            // A range so wide that high - low overflows is rejected up front, naming the parameter.
            assertThat(e.param()).isEqualTo("x");
            return;
        }
        double v = (Double) p.fromUnit(u);
        assertThat(v).isBetween(low, high);
        // whatever fromUnit produced is a valid value of the parameter
        assertThat(p.toUnit(v)).isBetween(0.0, 1.0);
    }

    @Provide
    Arbitrary<double[]> bounds() {
        Arbitrary<Double> low = Arbitraries.doubles().between(-1e6, 1e6).ofScale(6);
        Arbitrary<Double> width = Arbitraries.doubles().between(1e-3, 1e6).ofScale(6);
        return Combinators.combine(low, width).as((l, w) -> new double[]{l, l + w});
    }

    // ---------------------------------------------------------------- log_uniform

    @Property
    void logUniformStaysInRangeAndRoundTrips(@ForAll @DoubleRange(min = 0, max = 1) double u,
                                             @ForAll("logBounds") double[] b) {
        var p = new LogUniformParam("lr", b[0], b[1]);
        p.validate();
        double v = (Double) p.fromUnit(u);
        assertThat(v).isBetween(b[0], b[1]);
        assertThat(p.toUnit(v)).isCloseTo(u, within(1e-9));
    }

    @Property
    void logUniformIsUniformInLogSpace(@ForAll("logBounds") double[] b) {
        var p = new LogUniformParam("lr", b[0], b[1]);
        double mid = (Double) p.fromUnit(0.5);
        assertThat(mid).isCloseTo(Math.sqrt(b[0] * b[1]), within(1e-9 * mid));
    }

    @Provide
    Arbitrary<double[]> logBounds() {
        Arbitrary<Double> lowExp = Arbitraries.doubles().between(-12, 6).ofScale(6);
        Arbitrary<Double> decades = Arbitraries.doubles().between(0.01, 10).ofScale(6);
        return Combinators.combine(lowExp, decades).as((e, d) -> new double[]{Math.pow(10, e), Math.pow(10, e + d)});
    }

    // ---------------------------------------------------------------- int

    @Property
    void intFromUnitLandsInTheSameCellAfterRoundTrip(@ForAll @DoubleRange(min = 0, max = 1) double u,
                                                     @ForAll @LongRange(min = -1_000_000_000L, max = 1_000_000_000L) long low,
                                                     @ForAll @LongRange(min = 0, max = 1_000_000L) long width) {
        var p = new IntParam("n", low, low + width, false);
        p.validate();
        long v = ((Number) p.fromUnit(u)).longValue();
        assertThat(v).isBetween(low, low + width);
        long cells = width + 1;
        long cellOfU = Math.min(cells - 1, (long) Math.floor(u * cells));
        assertThat(v - low).as("value is the one of u's cell").isEqualTo(cellOfU);
        double back = p.toUnit(v);
        assertThat(Math.min(cells - 1, (long) Math.floor(back * cells))).isEqualTo(cellOfU);
        assertThat(((Number) p.fromUnit(back)).longValue()).isEqualTo(v);
    }

    @Property
    void intLogRoundTripsToTheSameValue(@ForAll @DoubleRange(min = 0, max = 1) double u,
                                        @ForAll @LongRange(min = 1, max = 100_000) long low,
                                        @ForAll @LongRange(min = 0, max = 1_000_000) long width) {
        var p = new IntParam("units", low, low + width, true);
        p.validate();
        long v = ((Number) p.fromUnit(u)).longValue();
        assertThat(v).isBetween(low, low + width);
        double back = p.toUnit(v);
        assertThat(back).isBetween(0.0, 1.0);
        assertThat(((Number) p.fromUnit(back)).longValue()).isEqualTo(v);
        // monotone: a larger u never gives a smaller value
        assertThat(((Number) p.fromUnit(Math.min(1.0, u + 0.01))).longValue()).isGreaterThanOrEqualTo(v);
    }

    @Property
    void intAcceptsIntegralDoublesAndOtherNumberTypes(@ForAll @LongRange(min = -1000, max = 1000) long v) {
        var p = new IntParam("n", -1000, 1000, false);
        double expected = p.toUnit(v);
        assertThat(p.toUnit((double) v)).isEqualTo(expected);
        assertThat(p.toUnit((int) v)).isEqualTo(expected);
    }

    // ---------------------------------------------------------------- choice

    @Property
    void choiceRoundTripsToTheSameValueAndCell(@ForAll @DoubleRange(min = 0, max = 1) double u,
                                               @ForAll @IntRange(min = 1, max = 40) int n) {
        var values = new ArrayList<Object>();
        for (int i = 0; i < n; i++) {
            values.add("v" + i);
        }
        var p = new ChoiceParam("act", values);
        p.validate();
        Object v = p.fromUnit(u);
        int cell = Math.min(n - 1, (int) Math.floor(u * n));
        assertThat(v).isEqualTo(values.get(cell));
        double back = p.toUnit(v);
        assertThat(Math.min(n - 1, (int) Math.floor(back * n))).isEqualTo(cell);
        assertThat(p.fromUnit(back)).isEqualTo(v);
    }

    @Property
    void numericChoiceRoundTripsWhateverNumberTypeComesBack(@ForAll @DoubleRange(min = 0, max = 1) double u) {
        var p = new ChoiceParam("batch", List.of(16, 32, 64, 128));
        Object v = p.fromUnit(u);
        // JSON may hand back 32 as a Long or 32.0 as a Double: both name the same value
        double back = p.toUnit(((Number) v).doubleValue());
        assertThat(p.fromUnit(back)).isEqualTo(v);
        assertThat(p.toUnit(((Number) v).longValue())).isEqualTo(back);
    }
}
