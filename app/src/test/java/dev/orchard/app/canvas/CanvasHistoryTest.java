package dev.orchard.app.canvas;

import dev.orchard.app.shell.FileDialogs;
import dev.orchard.app.shell.ShellViewModel;
import dev.orchard.app.shell.Theme;
import dev.orchard.app.shell.Workbench;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.trial.ExperimentStatus;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static dev.orchard.app.shell.FxTests.fx;
import static dev.orchard.app.shell.FxTests.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What runs can be opened and drawn: a pipeline cut short when its engine closed is picked from the experiments
 * list, drawn with what each stage did, and resumed from the canvas to its end.
 */
@ExtendWith(ApplicationExtension.class)
class CanvasHistoryTest {
    @TempDir
    Path tmp;
    private Orchard orchard;
    private Workbench workbench;
    private long pipelineId;

    @Start
    void start(Stage stage) throws Exception {
        // an earlier session: the pipeline runs its first stage, then the engine closes during the second
        CanvasEditor ed = new CanvasEditor(CanvasFlowTest.doc(40, 1));
        String a = ed.add(CanvasEditorTest.entry("optimizer:random"), 0, 0);
        String b = ed.add(CanvasEditorTest.entry("optimizer:gp"), 340, 0);
        ed.setConfig(a, "budget", 3);
        ed.setConfig(b, "budget", 12);
        ed.connect(a, "result", b, "warm_start");
        ed.connect(b, "result", CanvasNode.OUTPUT, "in");
        try (Orchard earlier = Orchard.open(tmp.resolve("history"))) {
            var pe = earlier.startPipeline(Specs.parse(CanvasIO.toText(ed.doc()), "earlier"), tmp);
            pipelineId = pe.experimentId();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (earlier.children(pipelineId).stream().noneMatch(c -> c.name().equals("gp_bo")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        orchard = Orchard.open(tmp.resolve("history"));
        workbench = new Workbench(orchard, FileDialogs.fixed(Optional.empty(), Optional::empty), Theme.LIGHT);
        workbench.show(stage, 1260, 780);
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
        workbench.close();
        for (var p : orchard.activePipelines()) {
            p.await(Duration.ofSeconds(30));
        }
        orchard.close();
    }

    @Test
    void aStoredPipelineOpensOnTheCanvasWithItsStagesAndResumesToTheEnd(FxRobot robot) {
        CanvasViewModel vm = workbench.canvas();
        until(10, "the list is loaded", () -> workbench.experiments().item(pipelineId).isPresent());
        assertThat(fx(() -> workbench.experiments().item(pipelineId).orElseThrow().kind())).isEqualTo("pipeline");
        robot.clickOn(fx(() -> workbench.experiments().item(pipelineId).orElseThrow().name()));
        until(10, "drawn on the canvas", () -> vm.runIdProperty().get() == pipelineId
                && workbench.shell().pageProperty().get() == ShellViewModel.Page.PIPELINE);
        assertThat(fx(() -> vm.editor().level().stages()).stream().map(CanvasNode::name)).containsExactly("random_search", "gp_bo");
        assertThat(fx(() -> vm.states().get("random_search").kind())).isEqualTo(StageState.Kind.DONE);
        assertThat(fx(() -> vm.runStatusProperty().get())).isEqualTo(ExperimentStatus.PAUSED);

        robot.clickOn("#canvasResume");
        until(60, "the resumed run completes", () -> vm.runStatusProperty().get() == ExperimentStatus.COMPLETED);
        until(10, "its last stage is done", () -> vm.states().getOrDefault("gp_bo", StageState.IDLE).kind() == StageState.Kind.DONE);
        // the interrupted sweep went on as the same child experiment, to its budget
        var gp = orchard.children(pipelineId).stream().filter(c -> c.name().equals("gp_bo")).toList();
        assertThat(gp).hasSize(1);
        assertThat(orchard.trials(gp.get(0).id())).hasSize(12);
    }
}
