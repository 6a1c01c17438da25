package dev.orchard.app.shell;

import dev.orchard.app.TestSpecs;
import dev.orchard.app.sweep.LoadedSpec;
import dev.orchard.app.sweep.TrialRow;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.TrialState;
import javafx.scene.control.TableRow;
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

/** One trial paused, resumed and stopped from its row's context menu while the sweep goes on. */
@ExtendWith(ApplicationExtension.class)
class WorkbenchTrialControlTest {
    @TempDir
    Path tmp;
    private Orchard orchard;
    private Workbench workbench;

    @Start
    void start(Stage stage) {
        orchard = Orchard.open(tmp.resolve("history"));
        workbench = new Workbench(orchard, FileDialogs.fixed(Optional.empty(), Optional::empty), Theme.LIGHT);
        workbench.show(stage, 1200, 760);
        // slow trials (10 steps of 0.6 s), four at a time: each one runs long enough to be paused by hand
        workbench.run().load(LoadedSpec.fromFile(TestSpecs.sample(12, 6_000), TestSpecs.sampleFile()));
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
        workbench.close();
        orchard.close();
    }

    private TrialState state(FxRobot robot, int number) {
        return fx(() -> workbench.run().rows().stream().filter(r -> r.number() == number).findFirst()
                .map(TrialRow::state).orElse(null));
    }

    /** Right-clicks the table row of trial {@code number} and picks {@code item} (retried if the row was redrawn). */
    @SuppressWarnings("unchecked")
    private void menu(FxRobot robot, int number, String item) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        RuntimeException last = null;
        while (true) {
            TableRow<TrialRow> row = fx(() -> robot.lookup(".table-row-cell").queryAllAs(TableRow.class).stream()
                    .map(r -> (TableRow<TrialRow>) r)
                    .filter(r -> r.getItem() != null && r.getItem().number() == number && r.getScene() != null)
                    .findFirst().orElse(null));
            try {
                if (row != null) {
                    robot.rightClickOn(row);
                    // headless Monocle turns no secondary click into a context-menu request (TestFX/Monocle#12):
                    // make the request the platform would make, at the row, then pick the item with the robot
                    fx(() -> {
                        var b = row.localToScreen(row.getBoundsInLocal());
                        row.fireEvent(new javafx.scene.input.ContextMenuEvent(
                                javafx.scene.input.ContextMenuEvent.CONTEXT_MENU_REQUESTED, 10, 5,
                                b.getMinX() + 10, b.getMinY() + 5, false, null));
                        return null;
                    });
                    robot.clickOn(item);
                    return;
                }
            } catch (RuntimeException redrawn) {
                last = redrawn;
                robot.press(javafx.scene.input.KeyCode.ESCAPE).release(javafx.scene.input.KeyCode.ESCAPE);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not pick '" + item + "' on the row of trial " + number, last);
            }
        }
    }

    @Test
    void pausesResumesAndStopsOneTrialFromItsRow(FxRobot robot) {
        robot.clickOn("#startButton");
        until(20, "four trials running", () -> workbench.run().rows().stream().filter(r -> r.state() == TrialState.RUNNING).count() == 4);

        menu(robot, 0, "Pause trial");
        until(20, "trial 0 paused", () -> state(robot, 0) == TrialState.PAUSED);
        assertThat(status()).isEqualTo(ExperimentStatus.RUNNING); // the sweep goes on

        menu(robot, 0, "Resume trial");
        until(20, "trial 0 running again", () -> state(robot, 0) == TrialState.RUNNING);

        menu(robot, 1, "Stop trial");
        until(20, "trial 1 stopped", () -> state(robot, 1) == TrialState.STOPPED);
        assertThat(status()).isEqualTo(ExperimentStatus.RUNNING);

        robot.clickOn("#stopButton");
        until(30, "the sweep to end", () -> status() != null && status().finished());
    }

    private ExperimentStatus status() {
        return fx(() -> workbench.run().activeStatusProperty().get());
    }
}
