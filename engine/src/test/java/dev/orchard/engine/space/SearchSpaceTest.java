package dev.orchard.engine.space;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SearchSpaceTest {

    @Test
    void intLogCellsAreEqualInLogSpace() {
        var p = new IntParam("width", 1, 1023, true);
        // value k owns [log k, log(k+1)): half of the cube goes to 1..31, the other half to 32..1023
        assertThat(p.fromUnit(0.0)).isEqualTo(1);
        assertThat(p.fromUnit(1.0)).isEqualTo(1023);
        assertThat(p.fromUnit(0.4999)).isEqualTo(31);
        assertThat(p.fromUnit(0.5001)).isEqualTo(32);
        // the cell of 1 is as wide as the cells of 2 and 3 together (log 2 = log 4 - log 2)
        double l = Math.log(1024);
        assertThat(p.toUnit(1L)).isCloseTo(Math.log(2) / 2 / l, within(1e-12));
        assertThat(p.toUnit(1023L)).isCloseTo((Math.log(1023) + Math.log(1024)) / 2 / l, within(1e-12));
    }

    @Test
    void intLinearCellsAreEqual() {
        var p = new IntParam("depth", 1, 4, false);
        assertThat(List.of(0.0, 0.24, 0.25, 0.5, 0.74, 0.75, 1.0).stream().map(p::fromUnit).toList())
                .containsExactly(1, 1, 2, 3, 3, 4, 4);
        assertThat(p.toUnit(1)).isEqualTo(0.125);
        assertThat(p.toUnit(4L)).isEqualTo(0.875);
        assertThat(p.cardinality()).isEqualTo(4);
        var single = new IntParam("one", 7, 7, false);
        single.validate();
        assertThat(single.fromUnit(0.3)).isEqualTo(7);
    }

    @Test
    void numericChoicesCompareByValue() {
        var p = new ChoiceParam("k", List.of(1, 2.5, 4));
        p.validate();
        assertThat(p.numeric()).isTrue();
        assertThat(p.indexOf(1.0)).isEqualTo(0);
        assertThat(p.indexOf(1L)).isEqualTo(0);
        assertThat(p.indexOf(4.0f)).isEqualTo(2);
        assertThat(p.indexOf("1")).isEqualTo(-1);
        assertThat(p.toUnit(1.0)).isEqualTo(p.toUnit(1));
        assertThatThrownBy(() -> p.toUnit(3)).isInstanceOf(SpaceException.class)
                .hasMessageContaining("parameter 'k'").hasMessageContaining("not one of");
        var strings = new ChoiceParam("act", List.of("relu", "tanh"));
        assertThat(strings.numeric()).isFalse();
        assertThat(strings.indexOf("tanh")).isEqualTo(1);
    }

    @Test
    void choicesThatAreEqualNumbersAreDuplicates() {
        assertThatThrownBy(() -> new ChoiceParam("k", List.of(1, 1.0)).validate())
                .isInstanceOf(SpaceException.class).hasMessageContaining("parameter 'k'").hasMessageContaining("twice");
    }

    @Test
    void invalidDefinitionsNameTheParameter() {
        assertInvalid(new UniformParam("x1", 5, 5), "x1", "low must be less than high");
        assertInvalid(new UniformParam("x1", 6, 5), "x1", "low must be less than high");
        assertInvalid(new UniformParam("x2", Double.NaN, 1), "x2", "finite");
        assertInvalid(new UniformParam("x2", 0, Double.NaN), "x2", "finite");
        assertInvalid(new UniformParam("x2", 0, Double.POSITIVE_INFINITY), "x2", "finite");
        assertInvalid(new LogUniformParam("lr", 0, 1), "lr", "low > 0");
        assertInvalid(new LogUniformParam("lr", -1e-3, 1), "lr", "low > 0");
        assertInvalid(new LogUniformParam("lr", 1, 1), "lr", "low must be less than high");
        assertInvalid(new LogUniformParam("lr", Double.NaN, 1), "lr", "finite");
        assertInvalid(new IntParam("depth", 5, 4, false), "depth", "low must not exceed high");
        assertInvalid(new IntParam("width", 0, 64, true), "width", "low >= 1");
        assertInvalid(new ChoiceParam("act", List.of()), "act", "at least one value");
        assertInvalid(new ChoiceParam("act", List.of("relu", 1)), "act", "one type");
        assertInvalid(new ChoiceParam("act", List.of(true, "yes")), "act", "one type");
        assertInvalid(new ChoiceParam("act", Arrays.asList("relu", null)), "act", "null");
        assertInvalid(new ChoiceParam("act", List.of(1.0, Double.NaN)), "act", "not finite");
        assertInvalid(new ChoiceParam("act", List.of(List.of(1))), "act", "strings, numbers or booleans");
    }

    @Test
    void intRangesBeyondExactDoublesAreRejectedNotOverflowed() {
        assertInvalid(new IntParam("n", Long.MIN_VALUE, Long.MAX_VALUE, false), "n", "");
        assertInvalid(new IntParam("n", 0, Long.MAX_VALUE, false), "n", "");
    }

    @Test
    void duplicateNamesAndEmptySpacesAreRejected() {
        assertThatThrownBy(() -> SearchSpace.of(new UniformParam("x", 0, 1), new IntParam("x", 0, 3, false)))
                .isInstanceOf(SpaceException.class)
                .hasMessageContaining("parameter 'x'").hasMessageContaining("more than one parameter")
                .satisfies(e -> assertThat(((SpaceException) e).param()).isEqualTo("x"));
        assertThatThrownBy(SearchSpace::of).isInstanceOf(SpaceException.class).hasMessageContaining("no parameters");
        assertThatThrownBy(() -> SearchSpace.of(new UniformParam(" ", 0, 1))).isInstanceOf(SpaceException.class)
                .hasMessageContaining("no name");
    }

    @Test
    void spaceMapsPointsToConfigurationsAndBack() {
        var space = SearchSpace.of(new UniformParam("x", -5, 10), new LogUniformParam("lr", 1e-5, 1),
                new IntParam("depth", 1, 3, false), new ChoiceParam("act", List.of("relu", "tanh")));
        Map<String, Object> c = space.fromUnit(new double[]{0.5, 0.5, 0.5, 0.9});
        assertThat(c).containsOnlyKeys("x", "lr", "depth", "act");
        assertThat(List.copyOf(c.keySet())).containsExactly("x", "lr", "depth", "act");
        assertThat((Double) c.get("x")).isCloseTo(2.5, within(1e-12));
        assertThat((Double) c.get("lr")).isCloseTo(Math.sqrt(1e-5), within(1e-12));
        assertThat(c.get("depth")).isEqualTo(2);
        assertThat(c.get("act")).isEqualTo("tanh");
        double[] u = space.toUnit(c);
        assertThat(u[0]).isCloseTo(0.5, within(1e-12));
        assertThat(space.fromUnit(u)).isEqualTo(c);
        assertThat(space.cardinality()).isEqualTo(Long.MAX_VALUE);
        assertThat(SearchSpace.of(new IntParam("a", 1, 3, false), new ChoiceParam("b", List.of("p", "q"))).cardinality())
                .isEqualTo(6);

        assertThatThrownBy(() -> space.toUnit(Map.of("x", 1.0))).isInstanceOf(SpaceException.class)
                .hasMessageContaining("parameter 'lr'").hasMessageContaining("missing");
        assertThatThrownBy(() -> space.fromUnit(new double[]{0.5})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void foreignValuesAreRejectedNamingTheParameter() {
        var x = new UniformParam("x", 0, 1);
        assertThatThrownBy(() -> x.toUnit(2.0)).isInstanceOf(SpaceException.class).hasMessageContaining("parameter 'x'")
                .hasMessageContaining("outside");
        assertThatThrownBy(() -> x.toUnit("0.5")).isInstanceOf(SpaceException.class).hasMessageContaining("expected a number");
        assertThatThrownBy(() -> x.toUnit(Double.NaN)).isInstanceOf(SpaceException.class).hasMessageContaining("finite");
        var n = new IntParam("n", 0, 10, false);
        assertThatThrownBy(() -> n.toUnit(2.5)).isInstanceOf(SpaceException.class).hasMessageContaining("integer");
        assertThatThrownBy(() -> n.toUnit(11)).isInstanceOf(SpaceException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> new LogUniformParam("lr", 1e-3, 1).toUnit(1e-4)).isInstanceOf(SpaceException.class)
                .hasMessageContaining("parameter 'lr'");
        assertThatThrownBy(() -> x.fromUnit(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        // coordinates outside [0, 1] are clamped, never extrapolated
        assertThat(x.fromUnit(-0.5)).isEqualTo(0.0);
        assertThat(x.fromUnit(1.5)).isEqualTo(1.0);
    }

    private static void assertInvalid(Param p, String name, String text) {
        assertThatThrownBy(p::validate).isInstanceOf(SpaceException.class)
                .hasMessageStartingWith("parameter '" + name + "'").hasMessageContaining(text)
                .satisfies(e -> assertThat(((SpaceException) e).param()).isEqualTo(name));
        // and the space reports it the same way
        assertThatThrownBy(() -> SearchSpace.of(new UniformParam("ok", 0, 1), p)).isInstanceOf(SpaceException.class)
                .hasMessageContaining("parameter '" + name + "'");
    }
}
