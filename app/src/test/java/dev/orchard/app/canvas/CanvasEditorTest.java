package dev.orchard.app.canvas;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.experiment.PipelineExperiments;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.Specs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The canvas model without a window: every edit, its refusals, and undo / redo. */
class CanvasEditorTest {
    static final Path HYBRID = Path.of(System.getProperty("orchard.repo.root", "..")).resolve("sample-projects/hybrid-pipeline/experiment.json");

    static PaletteEntry entry(String id) {
        return Palette.entries().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
    }

    static CanvasEditor blank() {
        CanvasDoc d = CanvasIO.blank("t");
        d.experiment().set("space", Json.SPEC.valueToTree(java.util.Map.of("params", java.util.List.of(
                java.util.Map.of("name", "x1", "type", "uniform", "low", -5, "high", 10),
                java.util.Map.of("name", "x2", "type", "uniform", "low", 0, "high", 15)))));
        d.experiment().set("objective", Json.SPEC.valueToTree(java.util.Map.of("type", "builtin", "function", "branin")));
        d.experiment().put("budget", 4);
        return new CanvasEditor(d);
    }

    @Test
    void addConnectAndTheDrawingIsWhatRuns() throws Exception {
        CanvasEditor ed = blank();
        String a = ed.add(entry("optimizer:random"), 100, 0);
        String b = ed.add(entry("optimizer:gp"), 350, 0);
        String v = ed.add(entry("type:validate_best"), 600, 0);
        assertThat(ed.level().node(a).orElseThrow().name()).isEqualTo("random_search");
        assertThat(ed.connect(a, "result", b, "warm_start")).isEmpty();
        assertThat(ed.connect(b, "result", v, "best")).isEmpty();
        assertThat(ed.connect(v, "validation", CanvasNode.OUTPUT, "in")).isEmpty();

        JsonNode json = CanvasIO.write(ed.doc());
        assertThat(json.at("/pipeline/edges")).hasSize(3);
        assertThat(json.at("/pipeline/edges/0/from").asText()).isEqualTo("random_search.result");
        var spec = Specs.parse(Json.SPEC.writeValueAsString(json), "t");
        var pipeline = PipelineExperiments.build(spec, Optional.empty());
        assertThat(pipeline.graph().nodes()).hasSize(3);
        assertThat(CanvasValidator.validate(ed.doc(), Optional.empty()).isEmpty()).isTrue();
    }

    @Test
    void refusesIncompatibleCyclicAndDoublyFedConnectionsWithTheReason() {
        CanvasEditor ed = blank();
        String a = ed.add(entry("optimizer:random"), 0, 0);
        String b = ed.add(entry("optimizer:gp"), 200, 0);
        String v = ed.add(entry("type:validate_best"), 400, 0);
        assertThat(ed.canConnect(v, "validation", b, "warm_start")).get().asString()
                .contains("expects SweepResult but gets ValidationResult");
        assertThat(ed.connect(a, "result", b, "warm_start")).isEmpty();
        assertThat(ed.canConnect(b, "result", a, "warm_start")).get().asString().contains("cycle");
        assertThat(ed.canConnect(a, "result", a, "warm_start")).get().asString().contains("cannot feed itself");
        String c = ed.add(entry("optimizer:tpe"), 0, 200);
        assertThat(ed.canConnect(c, "result", b, "warm_start")).get().asString().contains("already fed by 'random_search'");
        assertThat(ed.canConnect(a, "nope", b, "warm_start")).get().asString().contains("has no output 'nope'");
        assertThat(ed.level().edges()).hasSize(1);
    }

    @Test
    void unsatisfiedInputsAreMarkedBeforeRunning() {
        CanvasEditor ed = blank();
        String v = ed.add(entry("type:validate_best"), 0, 0);
        CanvasProblems p = CanvasValidator.validate(ed.doc(), Optional.empty());
        assertThat(p.node(v)).anyMatch(m -> m.contains("input 'best' (SweepResult) is not connected"));
        String s = ed.add(entry("optimizer:random"), 0, 0);
        ed.setConfig(s, "budget", "many");
        p = CanvasValidator.validate(ed.doc(), Optional.empty());
        assertThat(p.node(s)).anyMatch(m -> m.startsWith("config.budget: must be an integer"));
    }

    @Test
    void everyEditUndoesAndRedoes() {
        CanvasEditor ed = blank();
        CanvasDoc empty = ed.doc();
        String a = ed.add(entry("optimizer:random"), 0, 0);
        String b = ed.add(entry("optimizer:gp"), 300, 0);
        ed.connect(a, "result", b, "warm_start");
        ed.select(Set.of(a), Set.of());
        ed.beginGesture("move");
        for (int i = 0; i < 10; i++) {
            ed.moveSelected(5, 3);
        }
        ed.endGesture();
        assertThat(ed.level().node(a).orElseThrow().x()).isEqualTo(50);
        ed.setConfig(b, "budget", 1);
        ed.setConfig(b, "budget", 12); // typing "12": one step
        ed.rename(a, "explore");
        CanvasDoc full = ed.doc();

        int steps = 0;
        while (ed.undo()) {
            steps++;
        }
        assertThat(steps).isEqualTo(6); // add, add, connect, move, budget, rename
        assertThat(ed.doc()).isEqualTo(empty);
        while (ed.redo()) {
            steps--;
        }
        assertThat(steps).isZero();
        assertThat(ed.doc()).isEqualTo(full);
        assertThat(ed.level().node(b).orElseThrow().config()).containsEntry("budget", 12);

        ed.select(Set.of(a), Set.of());
        ed.deleteSelected();
        assertThat(ed.level().stages()).hasSize(1);
        assertThat(ed.level().edges()).isEmpty();
        ed.undo();
        assertThat(ed.level().stages()).hasSize(2);
        assertThat(ed.level().edges()).hasSize(1);
    }

    @Test
    void copyPasteGivesFreshNamesAndKeepsInnerConnections() {
        CanvasEditor ed = blank();
        String a = ed.add(entry("optimizer:random"), 0, 0);
        String b = ed.add(entry("optimizer:gp"), 300, 0);
        ed.connect(a, "result", b, "warm_start");
        ed.select(Set.of(a, b), Set.of());
        assertThat(ed.copy()).isTrue();
        ed.paste();
        assertThat(ed.level().stages()).extracting(CanvasNode::name)
                .containsExactly("random_search", "gp_bo", "random_search_2", "gp_bo_2");
        assertThat(ed.level().edges()).hasSize(2);
        assertThat(ed.selectedNodes()).hasSize(2).doesNotContain(a, b);
        CanvasNode pasted = ed.level().named("random_search_2").orElseThrow();
        assertThat(pasted.x()).isEqualTo(40);
        ed.undo();
        assertThat(ed.level().stages()).hasSize(2);
        ed.select(Set.of(a), Set.of());
        ed.cut();
        assertThat(ed.level().stages()).hasSize(1);
    }

    @Test
    void groupsIntoASubExperimentThatOpensAndStillRuns() throws Exception {
        CanvasEditor ed = new CanvasEditor(CanvasIO.read(Files.readString(HYBRID), "hybrid"));
        CanvasGraph top = ed.level();
        String exploit = top.named("exploit").orElseThrow().id();
        String refine = top.named("refine").orElseThrow().id();
        assertThat(ed.groupSelected()).get().asString().contains("select the stages");
        ed.select(Set.of(exploit, refine), Set.of());
        assertThat(ed.groupSelected()).isEmpty();
        CanvasNode group = ed.level().stages().stream().filter(CanvasNode::isBlock).findFirst().orElseThrow();
        assertThat(ed.level().stages()).extracting(CanvasNode::name).containsExactly("explore", "validate", "group");
        assertThat(ed.open(group.id())).isTrue();
        assertThat(ed.level().stages()).extracting(CanvasNode::name).containsExactly("exploit", "refine");
        assertThat(ed.openBlocks()).extracting(CanvasNode::id).containsExactly(group.id());
        ed.up();
        assertThat(CanvasValidator.validate(ed.doc(), Optional.of(HYBRID.getParent())).all(id -> id)).isEmpty();
        var spec = Specs.parse(CanvasIO.toText(ed.doc()), "grouped");
        assertThat(PipelineExperiments.build(spec, Optional.empty()).graph().nodes()).hasSize(3);

        ed.select(Set.of(top.named("explore").orElseThrow().id(), top.named("validate").orElseThrow().id()), Set.of());
        assertThat(ed.groupSelected()).get().asString().contains("one output");
    }

    @Test
    void typesPropagateOutOfGroupsSoConnectionsFromThemAreChecked() {
        CanvasEditor ed = blank();
        String a = ed.add(entry("optimizer:random"), 0, 0);
        String v = ed.add(entry("type:validate_best"), 300, 0);
        ed.connect(a, "result", v, "best");
        ed.select(Set.of(v), Set.of());
        assertThat(ed.groupSelected()).isEmpty();
        CanvasNode group = ed.level().stages().stream().filter(CanvasNode::isBlock).findFirst().orElseThrow();
        assertThat(Ports.outputs(group, ed.level()).get(0).type().toString()).isEqualTo("ValidationResult");
        assertThat(Ports.inputs(group, ed.level()).get(0).type().toString()).isEqualTo("SweepResult");
        String b = ed.add(entry("optimizer:gp"), 600, 0);
        assertThat(ed.canConnect(group.id(), "out", b, "warm_start")).get().asString()
                .contains("expects SweepResult but gets ValidationResult");
    }

    @Test
    void namesAreCheckedAndHooksLandOnConnections() {
        CanvasEditor ed = blank();
        String a = ed.add(entry("optimizer:random"), 0, 0);
        String b = ed.add(entry("optimizer:gp"), 300, 0);
        assertThat(ed.rename(a, "has space")).isPresent();
        assertThat(ed.rename(a, "gp_bo")).get().asString().contains("another stage");
        assertThat(ed.rename(a, "explore")).isEmpty();
        ed.connect(a, "result", b, "warm_start");
        String e = ed.level().edges().get(0).id();
        assertThat(ed.applyHook(e, "checkpoint")).isEmpty();
        assertThat(ed.applyHook(e, "retry")).isEmpty();
        var h = ed.level().edge(e).orElseThrow().hooks().orElseThrow();
        assertThat(h.checkpoint()).isTrue();
        assertThat(h.retry()).contains(2);
        JsonNode json = CanvasIO.write(ed.doc());
        assertThat(json.at("/pipeline/edges/0/hooks/checkpoint").asBoolean()).isTrue();
        assertThat(json.at("/pipeline/edges/0/hooks/cache").isMissingNode()).isTrue();
    }
}
