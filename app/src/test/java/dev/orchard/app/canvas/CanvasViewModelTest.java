package dev.orchard.app.canvas;

import dev.orchard.app.support.Async;
import dev.orchard.app.support.Messages;
import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

/** The canvas's view-model without a window: checks after edits, refusals, consent, and stage states from events. */
class CanvasViewModelTest {
    @TempDir
    Path tmp;
    private Orchard orchard;
    private CanvasViewModel vm;
    private final Messages messages = new Messages();
    private final List<List<String>> asked = new ArrayList<>();
    private boolean allow;

    @BeforeEach
    void setUp() {
        orchard = Orchard.open(tmp.resolve("history"));
        vm = new CanvasViewModel(orchard, Async.direct(), messages);
        vm.setQuestions(new CanvasViewModel.Questions() {
            @Override
            public boolean allowCommands(String pipeline, List<String> commands) {
                asked.add(commands);
                return allow;
            }

            @Override
            public boolean discardChanges(String pipeline) {
                return false;
            }
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        for (var p : orchard.activePipelines()) {
            p.stop();
            p.await(Duration.ofSeconds(20));
        }
        orchard.close();
    }

    @Test
    void checksFollowEditsButNotMoves() {
        vm.load(CanvasFlowTest.doc(0, 2), Optional.empty(), true);
        String v = vm.editor().add(CanvasEditorTest.entry("type:validate_best"), 0, 0);
        CanvasProblems p = vm.problemsProperty().get();
        assertThat(p.node(v)).anyMatch(m -> m.contains("is not connected"));
        vm.editor().select(java.util.Set.of(v), java.util.Set.of());
        vm.editor().moveSelected(10, 10);
        assertThat(vm.problemsProperty().get()).isSameAs(p); // a move changes nothing the checks look at
        String s = vm.editor().add(CanvasEditorTest.entry("optimizer:random"), 0, 0);
        vm.editor().connect(s, "result", v, "best");
        assertThat(vm.problemsProperty().get().isEmpty()).isTrue();
        assertThat(vm.dirtyProperty().get()).isTrue();
        assertThat(vm.newPipeline()).isFalse(); // the user kept the changes
    }

    @Test
    void aDrawingWithProblemsDoesNotRunAndStoresNothing() {
        vm.load(CanvasFlowTest.doc(0, 2), Optional.empty(), true);
        vm.editor().add(CanvasEditorTest.entry("type:validate_best"), 0, 0);
        long id = vm.run().join();
        assertThat(id).isEqualTo(-1);
        assertThat(messages.last().orElseThrow().text()).startsWith("Cannot run canvas-test:\n1 problem to fix first:")
                .contains("input 'best' (SweepResult) is not connected");
        assertThat(orchard.experiments()).isEmpty();
    }

    @Test
    void anOpenedFilesCommandsRunOnlyWithConsent() throws Exception {
        CanvasDoc doc = CanvasFlowTest.doc(0, 1);
        doc.experiment().set("objective", Json.SPEC.valueToTree(Map.of("type", "command", "command", List.of("python3", "-c", "print(1)"))));
        doc.experiment().set("space", Json.SPEC.valueToTree(Map.of("params", List.of(Map.of("name", "x", "type", "uniform", "low", 0, "high", 1)))));
        vm.load(doc, Optional.of(tmp.resolve("imported.json")), false);
        vm.editor().add(CanvasEditorTest.entry("optimizer:random"), 0, 0);
        assertThat(vm.problemsProperty().get().isEmpty()).isTrue();

        assertThat(vm.run().join()).isEqualTo(-1);
        assertThat(asked).containsExactly(List.of("python3 -c print(1)"));
        assertThat(orchard.experiments()).isEmpty();

        allow = true;
        assertThat(vm.run().join()).isGreaterThanOrEqualTo(0);
        assertThat(asked).hasSize(2);
        for (var p : orchard.activePipelines()) {
            p.await(Duration.ofSeconds(30));
        }
        // drawn here (trusted), the same commands run without a question
        vm.load(vm.editor().doc(), Optional.empty(), true);
        assertThat(CommandConsent.commands(vm.editor().doc())).containsExactly("python3 -c print(1)");
        assertThat(vm.run().join()).isGreaterThanOrEqualTo(0);
        assertThat(asked).hasSize(2);
    }

    @Test
    void stageEventsAndChildTrialsBecomeStatesAndProgress() throws Exception {
        vm.load(CanvasFlowTest.doc(0, 2), Optional.empty(), true);
        String a = vm.editor().add(CanvasEditorTest.entry("optimizer:random"), 0, 0);
        vm.editor().setConfig(a, "budget", 2);
        long id = vm.run().join();
        assertThat(id).isGreaterThanOrEqualTo(0);
        orchard.activePipelines().get(0).await(Duration.ofSeconds(20));
        // what the pump would hand over, in order
        long child = 9999;
        vm.onEvents(List.of(
                new EngineEvent.StageEvent(id, "random_search", "", "started", "", Map.of()),
                new EngineEvent.StageEvent(id, "random_search", "", "metrics", "", Map.of("child_experiment", (double) child, "budget", 4.0))));
        assertThat(vm.states().get("random_search").kind()).isEqualTo(StageState.Kind.RUNNING);
        assertThat(vm.states().get("random_search").progress()).isZero();
        Trial t = new Trial(child, 0, Map.of(), TrialState.COMPLETED, OptionalDouble.of(1), 0, Optional.empty(), Instant.now(), Optional.of(Instant.now()));
        vm.onEvents(List.of(new EngineEvent.TrialFinished(t), new EngineEvent.TrialFinished(t), new EngineEvent.TrialFinished(t)));
        assertThat(vm.states().get("random_search").progress()).isEqualTo(0.75);
        vm.onEvents(List.of(new EngineEvent.StageEvent(id, "random_search", "", "failed", "boom", Map.of())));
        assertThat(vm.states().get("random_search").kind()).isEqualTo(StageState.Kind.FAILED);
        assertThat(vm.states().get("random_search").message()).isEqualTo("boom");
        // events of other experiments are not this run's
        vm.onEvents(List.of(new EngineEvent.StageEvent(id + 100, "random_search", "", "done", "", Map.of())));
        assertThat(vm.states().get("random_search").kind()).isEqualTo(StageState.Kind.FAILED);
    }
}
