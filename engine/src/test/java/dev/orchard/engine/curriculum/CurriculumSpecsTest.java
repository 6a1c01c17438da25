package dev.orchard.engine.curriculum;

import dev.orchard.engine.json.SpecException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CurriculumSpecsTest {
    @Test
    void aSpecWithAGeneratorBuildsALearningProgressCurriculum() {
        var spec = CurriculumSpecs.parse("""
                {"algorithm":"learning_progress","options":{"pool_size":4,"transform":"sigmoid"},"seed":7,
                 "generator":{"type":"weighted","entries":[
                   {"weight":2,"generator":{"type":"bucketed","label":"maze","buckets":{"size":{"values":[8,16]},"density":{"span":[0.1,0.4]}}}},
                   {"weight":1,"generator":{"type":"single","label":"open","params":{"size":4}}}]}}""", "c.json");
        Curriculum c = Curricula.create(spec);
        assertThat(c.algorithm()).isEqualTo("learning_progress");
        var s = c.sample();
        assertThat(s.task().id()).isEqualTo("t0");
        assertThat(s.task().label()).isIn("maze", "open");
    }

    @Test
    void errorsNameTheJsonPath() {
        assertThatThrownBy(() -> CurriculumSpecs.parse("{\"algorithm\":\"difficulty_bins\",\"options\":{\"bins\":0},\"tasks\":[{\"id\":\"a\"}]}", "c.json"))
                .isInstanceOf(SpecException.class).hasMessage("c.json: $.options.bins: must be at least 1, got 0");
        assertThatThrownBy(() -> CurriculumSpecs.parse("{\"algorithm\":\"difficulty_bins\",\"options\":{\"bogus\":1},\"tasks\":[{\"id\":\"a\"}]}", "c.json"))
                .hasMessageStartingWith("c.json: $.options.bogus: not an option");
        assertThatThrownBy(() -> CurriculumSpecs.readTasks("{\"tasks\":[{\"id\":\"a\"},{\"id\":\"a\"}]}", "t.json"))
                .hasMessage("t.json: $.tasks[1].id: 'a' appears twice");
        assertThatThrownBy(() -> CurriculumSpecs.readTasks("{\"tasks\":[]}", "t.json")).hasMessageContaining("$.tasks: is empty");
        assertThatThrownBy(() -> CurriculumSpecs.readTasks("{\"generator\":{\"type\":\"bucketed\",\"buckets\":{\"x\":{\"span\":[2,1]}}}}", "t.json"))
                .hasMessageContaining("$.generator.buckets.x.span: low must not exceed high");
        assertThatThrownBy(() -> CurriculumSpecs.parse("{\"algorithm\":\"difficulty_bins\",\"generator\":{\"type\":\"single\"}}", "c.json"))
                .hasMessageContaining("$.generator: difficulty_bins ranks a fixed set");
        assertThatThrownBy(() -> CurriculumSpecs.parse("{\"algorithm\":\"lp\",\"tasks\":[{\"id\":\"a\"}]}", "c.json"))
                .hasMessageContaining("$.algorithm: unknown algorithm");
        assertThatThrownBy(() -> CurriculumSpecs.readTasks("{\"tasks\":[{\"id\":\"a\",\"baseline\":1}]}", "t.json"))
                .hasMessageContaining("$.tasks[0].baseline");
    }
}
