package dev.orchard.app.shell;

import dev.orchard.app.TestSpecs;
import dev.orchard.app.sweep.TrialRow;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.TrialState;
import javafx.scene.chart.LineChart;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
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

/** The workbench with the real quick-start sample as it ships: empty states, a full run, the dark theme. */
@ExtendWith(ApplicationExtension.class)
class WorkbenchSampleTest {
    @TempDir
    Path tmp;
    private Orchard orchard;
    private Workbench workbench;

    @Start
    void start(Stage stage) {
        orchard = Orchard.open(tmp.resolve("history"));
        workbench = new Workbench(orchard, FileDialogs.fixed(Optional.of(TestSpecs.sampleFile()), Optional::empty), Theme.LIGHT);
        workbench.show(stage, 1200, 760);
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
        workbench.close();
        for (var s : orchard.activeSweeps()) {
            s.await(Duration.ofSeconds(20));
        }
        orchard.close();
    }

    private static java.util.List<String> placeholders(FxRobot robot) {
        return fx(() -> robot.lookup(".empty-state").queryAllAs(Label.class).stream()
                .filter(WorkbenchSampleTest::shown).map(Label::getText).toList());
    }

    /** Visible itself and in every parent (a placeholder stays in the scene graph, hidden, once there are items). */
    private static boolean shown(javafx.scene.Node n) {
        if (n.getScene() == null) {
            return false;
        }
        for (var p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return true;
    }

    @Test
    @SuppressWarnings("unchecked")
    void runsTheSampleAsShipped(FxRobot robot) {
        // empty states before anything ran
        until(10, "the experiment list to load", () -> workbench.experiments().loadedProperty().get());
        assertThat(placeholders(robot)).contains("No trials yet — press Start", "No experiments yet");
        assertThat(fx(() -> robot.lookup("#startButton").queryButton().isDisabled())).isTrue();

        // File ▸ Open spec… (the injected dialog answers with the sample file)
        robot.clickOn("File").clickOn("Open…");
        until(10, "the spec to load", () -> workbench.run().loaded().isPresent());
        assertThat(fx(() -> robot.lookup("#specName").queryAs(Label.class).getText())).isEqualTo("branin-quickstart");
        assertThat(fx(() -> robot.lookup("#startButton").queryButton().isDisabled())).isFalse();

        robot.clickOn("#startButton");
        until(30, "the sample to complete", () -> workbench.run().activeStatusProperty().get() == ExperimentStatus.COMPLETED);
        TableView<TrialRow> table = robot.lookup("#trialTable").queryTableView();
        assertThat(fx(() -> table.getItems().size())).isEqualTo(64);
        assertThat(fx(() -> table.getItems().stream().allMatch(r -> r.state() == TrialState.COMPLETED))).isTrue();
        assertThat(fx(() -> table.getColumns().stream().map(c -> c.getText()).toList()))
                .containsExactly("#", "State", "x1", "x2", "Value");
        LineChart<Number, Number> chart = (LineChart<Number, Number>) robot.lookup("#historyChart").query();
        assertThat(fx(() -> chart.getData().get(0).getData().size())).isEqualTo(64);
        assertThat(fx(() -> chart.getData().get(1).getData().isEmpty())).isFalse();
        assertThat(fx(() -> robot.lookup("#progressLabel").queryAs(Label.class).getText())).isEqualTo("64 / 64 trials");
        assertThat(fx(() -> robot.lookup("#bestLabel").queryAs(Label.class).getText())).startsWith("Best ");
        assertThat(placeholders(robot)).doesNotContain("No trials yet — press Start", "No experiments yet");

        long id = fx(() -> workbench.run().activeIdProperty().get());
        until(10, "the finished experiment in the list", () -> workbench.experiments().item(id)
                .map(i -> i.status() == ExperimentStatus.COMPLETED && i.trials() == 64 && i.best().isPresent()).orElse(false));
        assertThat(fx(() -> robot.lookup(".experiment-list .status-badge").queryAllAs(Label.class).stream()
                .anyMatch(l -> l.getText().equals("completed")))).isTrue();
    }

    @Test
    void switchesToTheDarkThemeAndBack(FxRobot robot) {
        Region root = (Region) fx(() -> robot.lookup(".main-window").query());
        assertThat(fx(() -> brightness(root))).isGreaterThan(0.8);

        robot.clickOn("View").clickOn("Dark theme");
        until(5, "the dark theme", () -> workbench.shell().themeProperty().get() == Theme.DARK);
        assertThat(fx(() -> root.getScene().getStylesheets())).anyMatch(s -> s.endsWith("/dev/orchard/ui/dark.css"))
                .noneMatch(s -> s.endsWith("/light.css"));
        assertThat(fx(() -> brightness(root))).isLessThan(0.2);
        // the table and the chart's plot follow
        assertThat(fx(() -> brightness((Region) robot.lookup("#trialTable").query()))).isLessThan(0.25);
        assertThat(fx(() -> brightness((Region) robot.lookup(".chart-plot-background").query()))).isLessThan(0.25);

        robot.clickOn("View").clickOn("Light theme");
        until(5, "the light theme", () -> workbench.shell().themeProperty().get() == Theme.LIGHT);
        assertThat(fx(() -> root.getScene().getStylesheets())).anyMatch(s -> s.endsWith("/dev/orchard/ui/light.css"));
        assertThat(fx(() -> brightness(root))).isGreaterThan(0.8);
    }

    @Test
    @SuppressWarnings("unchecked")
    void selectingAStoredExperimentShowsItsTrials(FxRobot robot) throws Exception {
        // an experiment run outside the run view (as the CLI would): it appears in the list through the engine's events
        var sweep = orchard.start(TestSpecs.sample(10, 1).withName("stored-run"), tmp);
        sweep.await();
        until(10, "the stored experiment in the list", () -> workbench.experiments().item(sweep.experimentId())
                .map(i -> i.status() == ExperimentStatus.COMPLETED).orElse(false));
        assertThat(fx(() -> workbench.run().displayedIdProperty().get())).isEqualTo(-1L);

        until(5, "its row drawn in the list", () -> listLabel(robot, "stored-run") != null);
        clickRow(robot, "stored-run", sweep.experimentId());
        until(10, "its trials in the table", () -> robot.lookup("#trialTable").queryTableView().getItems().size() == 10);
        assertThat(fx(() -> workbench.run().displayedIdProperty().get())).isEqualTo(sweep.experimentId());
        assertThat(fx(() -> robot.lookup("#statusLabel").queryAs(Label.class).getText())).isEqualTo("Completed");
        assertThat(fx(() -> robot.lookup("#experimentLabel").queryAs(Label.class).getText())).contains("stored-run");
        LineChart<Number, Number> chart = (LineChart<Number, Number>) robot.lookup("#historyChart").query();
        assertThat(fx(() -> chart.getData().get(0).getData().size())).isEqualTo(10);
        assertThat(fx(() -> robot.lookup("#exportButton").queryButton().isDisabled())).isFalse();
        // nothing is loaded and nothing runs: no run control is enabled
        assertThat(fx(() -> robot.lookup("#startButton").queryButton().isDisabled())).isTrue();
        assertThat(fx(() -> robot.lookup("#stopButton").queryButton().isDisabled())).isTrue();
    }

    /**
     * Clicks the list row showing {@code name} until experiment {@code id} is displayed. The list rebuilds its cells
     * when items are replaced (late events of the finished run), so a label found a moment ago may have left the scene
     * by the time the robot moves to it; the click is then retried on the row drawn now.
     */
    private void clickRow(FxRobot robot, String name, long id) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (fx(() -> workbench.run().displayedIdProperty().get()) != id) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("clicking the row of " + name + " never opened experiment " + id);
            }
            Label label = fx(() -> listLabel(robot, name));
            if (label != null) {
                try {
                    robot.clickOn(label);
                } catch (RuntimeException detached) {
                    // the cell was rebuilt between lookup and click; look again
                }
            }
            org.testfx.util.WaitForAsyncUtils.sleep(50, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** The name label of a list row showing {@code name}, or null while none is drawn. */
    private static Label listLabel(FxRobot robot, String name) {
        return robot.lookup(".experiment-list .item-name").queryAllAs(Label.class).stream()
                .filter(l -> name.equals(l.getText()) && shown(l)).findFirst().orElse(null);
    }

    /** The brightness of a region's last background fill (what shows on top). */
    private static double brightness(Region r) {
        r.applyCss();
        var fills = r.getBackground().getFills();
        return ((Color) fills.get(fills.size() - 1).getFill()).getBrightness();
    }
}
