package dev.orchard.engine.space;

import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.SpecException;
import dev.orchard.engine.json.Specs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConditionalSpaceTest {
    private final SearchSpace space = SearchSpace.of(
            new ChoiceParam("opt", List.of("sgd", "adam")),
            new UniformParam("momentum", 0, 1, new Condition("opt", List.of("sgd"))),
            new LogUniformParam("lr", 1e-5, 1),
            new IntParam("nesterov_steps", 1, 4, false, new Condition("momentum", List.of(0.5))));

    @Test
    void inactiveParametersAreLeftOutAndMapToNaN() {
        Map<String, Object> adam = space.fromUnit(new double[]{0.9, 0.3, 0.5, 0.5});
        assertThat(adam).containsOnlyKeys("opt", "lr");
        double[] u = space.toUnit(adam);
        assertThat(u[1]).isNaN();
        assertThat(u[3]).isNaN();
        Map<String, Object> sgd = space.fromUnit(new double[]{0.1, 0.3, 0.5, 0.5});
        assertThat(sgd).containsOnlyKeys("opt", "momentum", "lr");
        assertThat(space.toUnit(sgd)[1]).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-12));
        // NaN coordinates of an active parameter fall back to the middle instead of failing
        assertThat(space.fromUnit(new double[]{0.1, Double.NaN, 0.5, 0.5})).containsEntry("momentum", 0.5).containsKey("nesterov_steps");
    }

    @Test
    void inconsistentConfigurationsAreRejected() {
        assertThatThrownBy(() -> space.toUnit(Map.of("opt", "adam", "lr", 0.01, "momentum", 0.3)))
                .hasMessageContaining("'momentum'").hasMessageContaining("inactive");
        assertThatThrownBy(() -> space.toUnit(Map.of("opt", "sgd", "lr", 0.01)))
                .hasMessageContaining("'momentum'").hasMessageContaining("missing");
    }

    @Test
    void conditionsMustReferToEarlierParametersAndPossibleValues() {
        assertThatThrownBy(() -> SearchSpace.of(new UniformParam("m", 0, 1, new Condition("opt", List.of("sgd"))),
                new ChoiceParam("opt", List.of("sgd")))).hasMessageContaining("'m'").hasMessageContaining("defined before");
        assertThatThrownBy(() -> SearchSpace.of(new ChoiceParam("opt", List.of("sgd")),
                new UniformParam("m", 0, 1, new Condition("opt", List.of("rmsprop"))))).hasMessageContaining("not a possible value");
        assertThatThrownBy(() -> SearchSpace.of(new ChoiceParam("opt", List.of("sgd")),
                new UniformParam("m", 0, 1, new Condition("opt", List.of()))))
                .hasMessageContaining("at least one value");
    }

    @Test
    void jsonFormRoundTripsAndErrorsNameThePath(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("space.json");
        Files.writeString(f, "{\"params\":[{\"name\":\"opt\",\"type\":\"choice\",\"values\":[\"sgd\",\"adam\"]},"
                + "{\"name\":\"momentum\",\"type\":\"uniform\",\"low\":0,\"high\":1,\"when\":{\"param\":\"opt\",\"values\":[\"sgd\"]}}]}");
        SearchSpace s = Specs.readSpace(f);
        assertThat(s.params().get(1).condition()).contains(new Condition("opt", List.of("sgd")));
        assertThat(Json.SPEC.readValue(Json.SPEC.writeValueAsString(s), SearchSpace.class)).isEqualTo(s);
        Files.writeString(f, "{\"params\":[{\"name\":\"opt\",\"type\":\"choice\",\"values\":[\"sgd\"]},"
                + "{\"name\":\"m\",\"type\":\"uniform\",\"low\":0,\"high\":1,\"when\":{\"param\":\"lr\",\"values\":[1]}}]}");
        assertThatThrownBy(() -> Specs.readSpace(f)).isInstanceOf(SpecException.class).hasMessageContaining("$.params[1]");
    }
}
