package dev.orchard.app.shell;

import dev.orchard.app.TestSpecs;
import dev.orchard.app.history.ExperimentItem;
import dev.orchard.app.sweep.LoadedSpec;
import dev.orchard.app.sweep.TrialRow;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.json.ArchiveJson;
import dev.orchard.engine.store.ExperimentArchive;
import dev.orchard.engine.trial.ExperimentStatus;
import javafx.scene.chart.LineChart;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static dev.orchard.app.shell.FxTests.fx;
import static dev.orchard.app.shell.FxTests.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run flow as a user clicks it: Start, watch rows and points appear, Pause (running trials checkpoint and show as paused; nothing new starts),
 * Resume, Stop, Export JSON (to a file the injected dialog names), and the experiment in the list.
 */
@ExtendWith(ApplicationExtension.class)
class WorkbenchFlowTest {
    @TempDir
    Path tmp;
    private Orchard orchard;
    private Workbench workbench;
    private Path exportFile;

    @Start
    void start(Stage stage) {
        orchard = Orchard.open(tmp.resolve("history"));
        exportFile = tmp.resolve("exports/run.json");
        workbench = new Workbench(orchard, FileDialogs.fixed(Optional.empty(), () -> Optional.of(exportFile)), Theme.LIGHT);
        workbench.show(stage, 1200, 760);
        // The sample, slowed down so a person (or a robot on a busy machine) can pause it mid-run: 4 trials at a time,
        // 250 ms each, and a budget it never reaches (the test stops it), so it cannot end before Pause is clicked.
        workbench.run().load(LoadedSpec.fromFile(TestSpecs.sample(400, 250), TestSpecs.sampleFile()));
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

    private TableView<TrialRow> table(FxRobot robot) {
        return robot.lookup("#trialTable").queryTableView();
    }

    private int rows(FxRobot robot) {
        return fx(() -> table(robot).getItems().size());
    }

    private ExperimentStatus status() {
        return fx(() -> workbench.run().activeStatusProperty().get());
    }

    @Test
    @SuppressWarnings("unchecked")
    void startPauseResumeStopExport(FxRobot robot) throws Exception {
        assertThat(fx(() -> robot.lookup("#startButton").queryButton().isDisabled())).isFalse();
        assertThat(fx(() -> robot.lookup("#pauseButton").queryButton().isDisabled())).isTrue();

        robot.clickOn("#startButton");
        until(10, "rows in the trial table and points in the chart", () -> !table(robot).getItems().isEmpty()
                && !((LineChart<Number, Number>) robot.lookup("#historyChart").query()).getData().get(0).getData().isEmpty());
        assertThat(fx(() -> robot.lookup("#startButton").queryButton().isDisabled())).isTrue();
        until(5, "points drawn in the plot", () -> !robot.lookup(".plot-content .chart-line-symbol.series0").queryAll().isEmpty());
        long id = fx(() -> workbench.run().activeIdProperty().get());

        robot.clickOn("#pauseButton");
        until(10, "the sweep to pause", () -> workbench.run().activeStatusProperty().get() == ExperimentStatus.PAUSED);
        assertThat(fx(() -> robot.lookup("#resumeButton").queryButton().isDisabled())).isFalse();
        assertThat(fx(() -> robot.lookup("#pauseButton").queryButton().isDisabled())).isTrue();
        assertThat(fx(() -> robot.lookup("#statusLabel").queryAs(Label.class).getText())).isEqualTo("Paused");
        int pausedRows = rows(robot);
        assertThat(pausedRows).isLessThan(400).isPositive();
        // nothing runs: the trials that were running checkpointed and show as paused
        assertThat(fx(() -> table(robot).getItems().stream().allMatch(r -> r.state().finished()
                || r.state() == dev.orchard.engine.trial.TrialState.PAUSED))).isTrue();
        Thread.sleep(1000); // paused: nothing may start meanwhile
        assertThat(rows(robot)).isEqualTo(pausedRows);
        assertThat(status()).isEqualTo(ExperimentStatus.PAUSED);

        robot.clickOn("#resumeButton");
        until(10, "more rows after resuming", () -> table(robot).getItems().size() > pausedRows);

        robot.clickOn("#stopButton");
        until(20, "the sweep to end", () -> workbench.run().activeStatusProperty().get() != null
                && workbench.run().activeStatusProperty().get().finished());
        assertThat(status()).isEqualTo(ExperimentStatus.STOPPED);
        assertThat(fx(() -> robot.lookup("#statusLabel").queryAs(Label.class).getText())).isEqualTo("Stopped");
        assertThat(fx(() -> robot.lookup("#startButton").queryButton().isDisabled())).isFalse();
        int finalRows = rows(robot);

        robot.clickOn("#exportButton");
        until(10, "the export file", () -> Files.isRegularFile(exportFile));
        ExperimentArchive archive = ArchiveJson.read(exportFile);
        assertThat(archive.experiment().id()).isEqualTo(id);
        assertThat(archive.trials()).hasSize(finalRows);
        assertThat(orchard.trials(id)).hasSize(finalRows);

        // the list shows it, finished, selected
        until(10, "the experiment in the list, finished", () -> workbench.experiments().item(id)
                .map(i -> i.status().finished() && i.trials() == finalRows).orElse(false));
        ListView<ExperimentItem> list = robot.lookup("#experimentList").queryListView();
        assertThat(fx(() -> list.getSelectionModel().getSelectedItem().id())).isEqualTo(id);
        assertThat(fx(() -> robot.lookup(".experiment-list .item-name").queryAllAs(Label.class).stream()
                .anyMatch(l -> l.getText().equals("branin-quickstart")))).isTrue();
    }
}
