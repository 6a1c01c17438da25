package dev.orchard.app.canvas;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.experiment.PipelineExperiments;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.Specs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening and saving: samples round-trip, hand-written files are laid out, hostile ones are read as far as they can be. */
class CanvasIOTest {

    @Test
    void theHybridSampleOpensAsAChainAndSavesAsTheSamePipeline() throws Exception {
        String text = Files.readString(CanvasEditorTest.HYBRID);
        CanvasDoc doc = CanvasIO.read(text, "hybrid");
        assertThat(doc.notes()).isEmpty();
        CanvasGraph g = doc.graph();
        assertThat(g.stages()).extracting(CanvasNode::name).containsExactly("explore", "exploit", "refine", "validate");
        assertThat(g.edges()).hasSize(4); // explore→exploit→refine→validate→Output; @in feeds no optional warm start
        CanvasEdge first = g.edges().get(0);
        assertThat(first.fromPort()).isEqualTo("result");
        assertThat(first.toPort()).isEqualTo("warm_start");
        assertThat(first.contract()).contains("SweepResult");
        assertThat(first.hooks().orElseThrow().cache()).isTrue();
        // laid out left to right, in order
        assertThat(g.stages()).extracting(CanvasNode::x).isSorted();
        assertThat(CanvasValidator.validate(doc, Optional.of(CanvasEditorTest.HYBRID.getParent())).isEmpty()).isTrue();

        String saved = CanvasIO.toText(doc);
        var spec = Specs.parse(saved, "saved");
        var pipeline = PipelineExperiments.build(spec, Optional.empty());
        var original = PipelineExperiments.build(Specs.parse(text, "original"), Optional.empty());
        assertThat(pipeline.graph().edges()).hasSameSizeAs(original.graph().edges());
        for (int i = 0; i < original.graph().edges().size(); i++) {
            var a = original.graph().edges().get(i);
            var b = pipeline.graph().edges().get(i);
            assertThat(b.from() + "." + b.fromPort() + ">" + b.to() + "." + b.toPort() + ":" + b.contract())
                    .isEqualTo(a.from() + "." + a.fromPort() + ">" + a.to() + "." + a.toPort() + ":" + a.contract());
        }
        CanvasDoc again = CanvasIO.read(saved, "saved");
        assertThat(again.graph().stages()).extracting(CanvasNode::x).containsExactlyElementsOf(g.stages().stream().map(n -> (double) Math.round(n.x())).toList());
        assertThat(CanvasIO.toText(again)).isEqualTo(saved);
    }

    @Test
    void theCurriculumSampleWithALoopAndAGroupReadsCleanAndRoundTrips() throws Exception {
        Path file = CanvasEditorTest.HYBRID.getParent().resolveSibling("curriculum-pipeline/experiment.json");
        CanvasDoc doc = CanvasIO.read(Files.readString(file), "curriculum");
        assertThat(doc.notes()).isEmpty();
        assertThat(doc.graph().stageCount()).isEqualTo(4); // two blocks, one stage inside each
        CanvasNode loop = doc.graph().named("tasks").orElseThrow();
        assertThat(loop.isBlock()).isTrue();
        assertThat(loop.body().stages()).extracting(CanvasNode::name).containsExactly("train");
        assertThat(loop.body().edges()).hasSize(2);
        assertThat(Ports.outputs(loop, doc.graph()).get(0).type().toString()).isEqualTo("SweepResult");
        assertThat(CanvasValidator.validate(doc, Optional.of(file.getParent())).isEmpty()).isTrue();
        String saved = CanvasIO.toText(doc);
        assertThat(CanvasIO.toText(CanvasIO.read(saved, "again"))).isEqualTo(saved);
        assertThat(PipelineExperiments.build(Specs.parse(saved, "saved"), Optional.empty()).graph().nodes()).hasSize(2);
    }

    @Test
    void unconnectedStagesStayUnconnected() throws Exception {
        CanvasEditor ed = CanvasEditorTest.blank();
        ed.add(CanvasEditorTest.entry("optimizer:random"), 0, 0);
        ed.add(CanvasEditorTest.entry("optimizer:gp"), 300, 0);
        JsonNode json = CanvasIO.write(ed.doc());
        assertThat(json.at("/pipeline/edges").isArray()).isTrue();
        assertThat(json.at("/pipeline/edges")).isEmpty();
        var p = PipelineExperiments.build(Specs.parse(Json.SPEC.writeValueAsString(json), "t"), Optional.empty());
        assertThat(p.graph().edges()).isEmpty(); // not chained behind the user's back
    }

    @Test
    void hostileFilesAreReadAsFarAsTheyCanBeAndNothingIsDropped() {
        String text = """
                {"name": "bad", "budget": 3,
                 "pipeline": {"stages": [
                   {"name": "a", "type": "sweep", "through": {"hooks": {"checkpoint": true}}},
                   42,
                   {"type": "sweep"},
                   {"name": "b", "type": "no_such_type", "config": {"x": 1}},
                   {"name": "c", "type": "sweep", "config": "oops"},
                   {"name": "d", "type": "sweep", "colour": "red"},
                   {"name": "g", "type": "group", "stages": [{"name": "inner", "type": "sweep"}]}
                 ],
                 "edges": [
                   {"from": "a.result", "to": "b.in"},
                   {"from": "b.out", "to": "a.warm_start"},
                   {"from": "ghost.result", "to": "a.warm_start"},
                   "not an edge"
                 ],
                 "colour": "red"}}
                """;
        CanvasDoc doc = CanvasIO.read(text, "bad.json");
        assertThat(doc.graph().stages()).hasSize(7);
        assertThat(doc.graph().stages().stream().filter(n -> n.unread().isPresent())).hasSize(4);
        assertThat(doc.notes()).anyMatch(n -> n.startsWith("$.pipeline.stages[1]: a stage is an object"))
                .anyMatch(n -> n.startsWith("$.pipeline.stages[2]: a stage needs a \"name\""))
                .anyMatch(n -> n.startsWith("$.pipeline.stages[4]: \"config\" must be an object"))
                .anyMatch(n -> n.startsWith("$.pipeline.stages[5]: unknown key 'colour'"))
                .anyMatch(n -> n.startsWith("$.pipeline.edges[2]: ghost.result names no stage"))
                .anyMatch(n -> n.startsWith("$.pipeline.edges[3]"))
                .anyMatch(n -> n.startsWith("$.pipeline.stages[0].through: with explicit edges"))
                .anyMatch(n -> n.startsWith("$.pipeline.colour: unknown key"));
        assertThat(doc.graph().edges()).hasSize(2);
        CanvasProblems p = CanvasValidator.validate(doc, Optional.empty());
        String b = doc.graph().named("b").orElseThrow().id();
        assertThat(p.node(b)).anyMatch(m -> m.contains("unknown stage type 'no_such_type'"));
        assertThat(p.count()).isGreaterThan(4);
        // saved back, the unreadable stages are as they were
        JsonNode saved = CanvasIO.write(doc);
        assertThat(saved.at("/pipeline/stages")).hasSize(7);
        assertThat(saved.at("/pipeline/stages/1").asInt()).isEqualTo(42);
        assertThat(saved.at("/pipeline/stages/4/config").asText()).isEqualTo("oops");
        assertThat(saved.at("/pipeline/stages/5/colour").asText()).isEqualTo("red");
    }

    @Test
    void notJsonOrNotAnObjectIsRefusedWithWhere() {
        assertThatThrownBy(() -> CanvasIO.read("{\"name\": \"x\",\n \"pipeline\": [}", "f.json"))
                .hasMessageContaining("f.json (line 2").hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> CanvasIO.read("[1, 2]", "f.json")).hasMessageContaining("an experiment is a JSON object");
        assertThatThrownBy(() -> CanvasIO.read("[".repeat(5000), "deep.json")).hasMessageContaining("not valid JSON");
    }

    @Test
    void hugeFilesAreCutWithANoteAndNeverSavedOver() {
        StringBuilder b = new StringBuilder("{\"name\": \"huge\", \"pipeline\": {\"stages\": [");
        for (int i = 0; i < CanvasIO.MAX_STAGES + 100; i++) {
            b.append(i == 0 ? "" : ",").append("{\"name\": \"s").append(i).append("\", \"type\": \"sweep\"}");
        }
        CanvasDoc doc = CanvasIO.read(b.append("]}}").toString(), "huge.json");
        assertThat(doc.truncated()).isTrue();
        assertThat(doc.graph().stages()).hasSize(CanvasIO.MAX_STAGES);
        assertThat(doc.notes()).anyMatch(n -> n.contains("will not save over this file"));
    }

    @Test
    void aPlainExperimentOpensAsOneSweep() {
        CanvasDoc doc = CanvasIO.read("{\"name\": \"plain\", \"budget\": 5}", "plain.json");
        assertThat(doc.graph().stages()).extracting(CanvasNode::type).containsExactly("sweep");
        assertThat(doc.notes()).anyMatch(n -> n.contains("shown as one sweep stage"));
    }

    @Test
    void cyclesInAFileAreDrawnAndMarked() {
        String text = """
                {"format": "orchard.experiment/1", "name": "cyc", "space": {"params": [{"name": "x1", "type": "uniform", "low": 0, "high": 1},
                                                     {"name": "x2", "type": "uniform", "low": 0, "high": 1}]},
                 "objective": {"type": "builtin", "function": "branin"}, "budget": 2,
                 "pipeline": {"stages": [{"name": "a", "type": "sweep"}, {"name": "b", "type": "sweep"}],
                  "edges": [{"from": "a.result", "to": "b.warm_start"}, {"from": "b.result", "to": "a.warm_start"}]}}
                """;
        CanvasDoc doc = CanvasIO.read(text, "cyc.json");
        assertThat(doc.graph().edges()).hasSize(2);
        CanvasProblems p = CanvasValidator.validate(doc, Optional.empty());
        assertThat(p.all(id -> id).toString()).contains("cycle");
        CanvasNode a = doc.graph().named("a").orElseThrow();
        CanvasNode bb = doc.graph().named("b").orElseThrow();
        assertThat(a.x()).isNotEqualTo(bb.x());
    }
}
