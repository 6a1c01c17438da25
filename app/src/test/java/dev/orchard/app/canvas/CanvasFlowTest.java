package dev.orchard.app.canvas;

import dev.orchard.app.shell.FileDialogs;
import dev.orchard.app.shell.ShellViewModel;
import dev.orchard.app.shell.Theme;
import dev.orchard.app.shell.Workbench;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.experiment.PipelineExperiments;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.trial.ExperimentStatus;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.shape.Circle;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static dev.orchard.app.shell.FxTests.fx;
import static dev.orchard.app.shell.FxTests.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The canvas as a user works it, with the mouse and the keyboard, on Monocle: every flow of issue 8. */
@ExtendWith(ApplicationExtension.class)
class CanvasFlowTest {
    @TempDir
    Path tmp;
    private Orchard orchard;
    private Workbench workbench;
    private CanvasViewModel vm;
    private CanvasView view;
    private final AtomicReference<Path> chosen = new AtomicReference<>();
    private final List<List<String>> consentAsked = new ArrayList<>();
    private volatile boolean allowCommands;

    @Start
    void start(Stage stage) {
        orchard = Orchard.open(tmp.resolve("history"));
        FileDialogs dialogs = FileDialogs.fixed(Optional.empty(), () -> Optional.ofNullable(chosen.get()));
        FileDialogs opening = new FileDialogs() {
            @Override
            public Optional<Path> chooseSpec(javafx.stage.Window owner, Optional<Path> initialFolder) {
                return Optional.ofNullable(chosen.get());
            }

            @Override
            public Optional<Path> chooseExportFile(javafx.stage.Window owner, String suggestedName, Optional<Path> initialFolder) {
                return dialogs.chooseExportFile(owner, suggestedName, initialFolder);
            }
        };
        workbench = new Workbench(orchard, opening, Theme.LIGHT);
        workbench.show(stage, 1260, 780);
        vm = workbench.canvas();
        view = workbench.view().canvasView();
        vm.setQuestions(new CanvasViewModel.Questions() {
            @Override
            public boolean allowCommands(String pipeline, List<String> commands) {
                consentAsked.add(commands);
                return allowCommands;
            }

            @Override
            public boolean discardChanges(String pipeline) {
                return true;
            }
        });
        workbench.shell().pageProperty().set(ShellViewModel.Page.PIPELINE);
        vm.load(doc(30, 1), Optional.empty(), true);
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
        workbench.close();
        for (var p : orchard.activePipelines()) {
            p.stop();
            p.await(Duration.ofSeconds(20));
        }
        orchard.close();
    }

    /** An empty pipeline whose sweeps default to branin, {@code budget} trials of {@code delayMs} each. */
    static CanvasDoc doc(long delayMs, int budget) {
        CanvasDoc d = CanvasIO.blank("canvas-test");
        d.experiment().set("space", Json.SPEC.valueToTree(Map.of("params", List.of(
                Map.of("name", "x1", "type", "uniform", "low", -5, "high", 10),
                Map.of("name", "x2", "type", "uniform", "low", 0, "high", 15)))));
        d.experiment().set("objective", Json.SPEC.valueToTree(Map.of("type", "builtin", "function", "branin", "delay_ms", delayMs)));
        d.experiment().put("budget", budget);
        d.experiment().put("seed", 3);
        return d;
    }

    private static PaletteEntry entry(String id) {
        return CanvasEditorTest.entry(id);
    }

    private CanvasGraph level() {
        return fx(() -> vm.editor().level());
    }

    private String add(String entryId, double x, double y) {
        return fx(() -> vm.editor().add(entry(entryId), x, y));
    }

    private Node nodeView(String id) {
        return fx(() -> view.canvas().nodeView(id));
    }

    private Circle port(String nodeId, String port) {
        return fx(() -> view.canvas().nodeView(nodeId).portCircles.stream()
                .filter(c -> ((NodeView.PortRef) c.getUserData()).port().equals(port)).findFirst().orElseThrow());
    }

    private Point2D center(Node n) {
        return fx(() -> {
            Bounds b = n.localToScreen(n.getBoundsInLocal());
            return new Point2D(b.getCenterX(), b.getCenterY());
        });
    }

    /** Where a world point is on the screen. */
    private Point2D screen(double wx, double wy) {
        return fx(() -> {
            Point2D local = view.canvas().toLocal(wx, wy);
            return view.canvas().localToScreen(local);
        });
    }

    private void fitAndSettle(FxRobot robot) {
        robot.interact(() -> view.canvas().zoomToFit(0.8));
    }

    @Test
    void dragFromThePaletteDropsTheStageWhereReleased(FxRobot robot) {
        Point2D target = screen(200, 120);
        Node item = robot.lookup("#palette-optimizer-gp").query();
        robot.drag(item, MouseButton.PRIMARY).moveTo(target).drop();
        until(5, "the stage is added", () -> vm.editor().level().stages().size() == 1);
        CanvasNode n = level().stages().get(0);
        assertThat(n.name()).isEqualTo("gp_bo");
        assertThat(n.config()).containsEntry("optimizer", Map.of("name", "gp"));
        // centred on the drop point (the stage's header is where the pointer was)
        assertThat(n.x() + Geometry.WIDTH / 2).isCloseTo(200, within(6.0));
        assertThat(n.y() + Geometry.HEADER / 2).isCloseTo(120, within(6.0));
        assertThat(fx(() -> vm.editor().selectedNodes())).containsExactly(n.id());

        // the search field filters the palette
        robot.clickOn("#paletteSearch").write("hyperband");
        until(5, "the palette is filtered", () -> view.palette().visibleItems().size() == 1);
        assertThat(fx(() -> view.palette().visibleItems().get(0).getText())).isEqualTo("Hyperband");
    }

    @Test
    void anIncompatibleConnectionIsRefusedWhileDraggingAndAValidOneSnaps(FxRobot robot) {
        String random = add("optimizer:random", 0, 0);
        String validate = add("type:validate_best", 0, 260);
        String gp = add("optimizer:gp", 420, 120);
        fitAndSettle(robot);
        // the unsatisfied input is marked before anything runs
        until(10, "validate_best is marked", () -> vm.problemsProperty().get().node(validate).stream()
                .anyMatch(m -> m.contains("input 'best' (SweepResult) is not connected")));
        assertThat(fx(() -> view.canvas().nodeView(validate).problems())).isNotEmpty();

        robot.drag(port(validate, "validation"), MouseButton.PRIMARY).moveTo(port(gp, "warm_start"));
        until(5, "the refusal is shown while dragging", () -> view.canvas().refusalLabel().isVisible());
        assertThat(fx(() -> view.canvas().refusalLabel().getText())).contains("expects SweepResult but gets ValidationResult");
        robot.drop();
        assertThat(level().edges()).isEmpty();
        assertThat(fx(() -> vm.hintProperty().get())).startsWith("Not connected:").contains("ValidationResult");

        robot.drag(port(random, "result"), MouseButton.PRIMARY).moveTo(port(gp, "warm_start"));
        assertThat(fx(() -> view.canvas().refusalLabel().isVisible())).isFalse();
        assertThat(fx(() -> port(gp, "warm_start").getStyleClass())).contains("port-accept");
        robot.drop();
        until(5, "the connection is made", () -> vm.editor().level().edges().size() == 1);
        CanvasEdge e = level().edges().get(0);
        assertThat(List.of(e.from(), e.fromPort(), e.to(), e.toPort())).containsExactly(random, "result", gp, "warm_start");

        robot.drag(port(random, "result"), MouseButton.PRIMARY).moveTo(port(validate, "best")).drop();
        until(10, "validate_best is satisfied", () -> vm.problemsProperty().get().node(validate).isEmpty());
    }

    @Test
    void selectMoveRubberBandCopyPasteDeleteUndoRedoWithTheKeyboard(FxRobot robot) {
        String a = add("optimizer:random", 0, 0);
        String b = add("optimizer:gp", 0, 200);
        add("optimizer:tpe", 500, 0);
        fitAndSettle(robot);
        robot.interact(() -> vm.editor().clearSelection());

        robot.clickOn(nodeView(a));
        assertThat(fx(() -> vm.editor().selectedNodes())).containsExactly(a);
        Node budgetField = fx(() -> view.inspector().editorOf("budget"));
        assertThat(budgetField).isNotNull();
        double zoom = fx(() -> view.canvas().zoom());
        Point2D from = center(nodeView(a));
        robot.drag(from, MouseButton.PRIMARY).moveBy(60, 30).drop();
        // a drag does not rebuild the inspector (nothing it shows changed)
        assertThat(fx(() -> view.inspector().editorOf("budget"))).isSameAs(budgetField);
        CanvasNode moved = level().node(a).orElseThrow();
        assertThat(moved.x()).isCloseTo(60 / zoom, within(3.0));
        assertThat(moved.y()).isCloseTo(30 / zoom, within(3.0));

        // rubber band (Shift + drag on empty space) around a and b
        Point2D p0 = screen(-60, -60);
        Point2D p1 = screen(Geometry.WIDTH + 90, 320);
        robot.press(KeyCode.SHIFT);
        robot.drag(p0, MouseButton.PRIMARY).moveTo(p1).drop();
        robot.release(KeyCode.SHIFT);
        assertThat(fx(() -> vm.editor().selectedNodes())).containsExactlyInAnyOrder(a, b);

        robot.push(KeyCode.CONTROL, KeyCode.C);
        robot.push(KeyCode.CONTROL, KeyCode.V);
        until(5, "pasted", () -> vm.editor().level().stages().size() == 5);
        assertThat(level().stages()).extracting(CanvasNode::name).contains("random_search_2", "gp_bo_2");

        robot.push(KeyCode.DELETE);
        until(5, "deleted", () -> vm.editor().level().stages().size() == 3);
        robot.push(KeyCode.CONTROL, KeyCode.Z);
        until(5, "undone", () -> vm.editor().level().stages().size() == 5);
        robot.push(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.Z);
        until(5, "redone", () -> vm.editor().level().stages().size() == 3);
        // every edit undoes, back to the empty canvas
        for (int i = 0; i < 10; i++) {
            robot.push(KeyCode.CONTROL, KeyCode.Z);
        }
        until(5, "all undone", () -> vm.editor().level().stages().isEmpty());
    }

    @Test
    void zoomWithTheWheelPanByDraggingEmptySpaceAndZoomToFit(FxRobot robot) {
        add("optimizer:random", 0, 0);
        add("optimizer:gp", 2400, 900);
        fitAndSettle(robot);
        robot.interact(() -> view.canvas().zoomToFit());
        double fitZoom = fx(() -> view.canvas().zoom());
        assertThat(fitZoom).isLessThan(0.6);
        Point2D mid = center(view.canvas());
        robot.moveTo(mid).scroll(-5);
        double zoomed = fx(() -> view.canvas().zoom());
        assertThat(zoomed).isNotEqualTo(fitZoom);
        Point2D before = screen(0, 0);
        robot.drag(screen(1200, -300), MouseButton.PRIMARY).moveBy(-80, 40).drop();
        Point2D after = screen(0, 0);
        assertThat(after.getX() - before.getX()).isCloseTo(-80, within(3.0));
        assertThat(after.getY() - before.getY()).isCloseTo(40, within(3.0));
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT0);
        assertThat(fx(() -> view.canvas().zoom())).isCloseTo(fitZoom, within(1e-6));
    }

    @Test
    void groupIntoASubExperimentAndOpenIt(FxRobot robot) {
        String a = add("optimizer:random", 0, 0);
        String b = add("optimizer:gp", 320, 0);
        String c = add("optimizer:evolution", 640, 0);
        robot.interact(() -> {
            vm.editor().connect(a, "result", b, "warm_start");
            vm.editor().connect(b, "result", c, "warm_start");
            vm.editor().select(Set.of(a, b), Set.of());
        });
        fitAndSettle(robot);
        robot.push(KeyCode.CONTROL, KeyCode.G);
        until(5, "grouped", () -> vm.editor().level().stages().size() == 2);
        CanvasNode group = level().stages().stream().filter(CanvasNode::isBlock).findFirst().orElseThrow();
        robot.doubleClickOn(nodeView(group.id()));
        until(5, "opened", () -> vm.editor().openBlocks().size() == 1);
        assertThat(level().stages()).extracting(CanvasNode::name).containsExactly("random_search", "gp_bo");
        assertThat(robot.lookup("#crumb-1").queryAs(javafx.scene.control.Hyperlink.class).getText()).startsWith("group");
        robot.clickOn("#crumb-0");
        until(5, "back at the top", () -> vm.editor().openBlocks().isEmpty());
        until(10, "the grouped pipeline has no problems", () -> vm.problemsProperty().get().isEmpty());
    }

    @Test
    void theInspectorEditsSettingsWithInlineValidationAndHooksOnTheEdge(FxRobot robot) {
        String a = add("optimizer:random", 0, 0);
        String b = add("optimizer:gp", 320, 0);
        robot.interact(() -> vm.editor().connect(a, "result", b, "warm_start"));
        fitAndSettle(robot);
        robot.clickOn(nodeView(b));
        until(5, "the inspector shows the stage", () -> view.inspector().editorOf("budget") != null);
        TextField budget = (TextField) fx(() -> view.inspector().editorOf("budget"));
        robot.clickOn(budget).write("1x");
        until(5, "the field is marked", () -> view.inspector().messageTexts().stream().anyMatch(m -> m.startsWith("budget: not a whole number")));
        assertThat(fx(() -> budget.getPseudoClassStates().toString())).contains("error");
        robot.push(KeyCode.BACK_SPACE).write("2");
        until(5, "the setting is stored", () -> Integer.valueOf(12).equals(vm.editor().level().node(b).orElseThrow().config().get("budget")));
        until(5, "the message is gone", () -> view.inspector().messageTexts().stream().noneMatch(m -> m.startsWith("budget")));

        TextField name = robot.lookup("#inspectorName").queryAs(TextField.class);
        robot.doubleClickOn(name).eraseText(name.getText().length() + 2).write("exploit").push(KeyCode.ENTER);
        until(5, "renamed", () -> vm.editor().level().node(b).orElseThrow().name().equals("exploit"));

        // a connection's hooks, edited on the connection
        CanvasEdge e = level().edges().get(0);
        robot.interact(() -> vm.editor().select(Set.of(), Set.of(e.id())));
        until(5, "the inspector shows the connection", () -> view.inspector().editorOf("checkpoint") != null);
        robot.clickOn((CheckBox) fx(() -> view.inspector().editorOf("checkpoint")));
        until(5, "checkpoint is on", () -> vm.editor().level().edge(e.id()).orElseThrow().hooks().map(h -> h.checkpoint()).orElse(false));
        // and a hook dropped from the palette onto it
        EdgeView ev = fx(() -> view.canvas().edgeView(e.id()));
        Point2D onEdge = fx(() -> {
            var c = ev.hitArea();
            double mx = (c.getStartX() + c.getEndX()) / 2;
            double my = (c.getStartY() + c.getEndY()) / 2;
            return view.canvas().localToScreen(view.canvas().toLocal(mx, my));
        });
        robot.clickOn("#paletteSearch").write("retry");
        robot.drag("#palette-hook-retry", MouseButton.PRIMARY).moveTo(onEdge).drop();
        until(5, "retry is on", () -> vm.editor().level().edge(e.id()).orElseThrow().hooks().flatMap(h -> h.retry()).orElse(0) == 2);
        robot.push(KeyCode.CONTROL, KeyCode.Z);
        until(5, "the hook is undone", () -> vm.editor().level().edge(e.id()).orElseThrow().hooks().flatMap(h -> h.retry()).isEmpty());
    }

    @Test
    void runTheDrawingAndWatchEachStageThenPauseResumeAndStop(FxRobot robot) {
        String a = add("optimizer:random", 0, 0);
        String b = add("optimizer:gp", 320, 0);
        robot.interact(() -> {
            vm.editor().setConfig(a, "budget", 3);
            vm.editor().setConfig(b, "budget", 400);
            vm.editor().connect(a, "result", b, "warm_start");
            vm.editor().connect(b, "result", CanvasNode.OUTPUT, "in");
        });
        fitAndSettle(robot);
        until(10, "no problems", () -> vm.problemsProperty().get().isEmpty());
        robot.clickOn("#canvasRun");
        until(20, "the first stage is done", () -> "done".equals(((NodeView) view.canvas().nodeView(a)).statusText()));
        until(20, "the second stage runs", () -> "running".equals(((NodeView) view.canvas().nodeView(b)).statusText()));
        until(20, "its progress shows", () -> vm.states().getOrDefault("gp_bo", StageState.IDLE).progress() > 0);
        robot.push(KeyCode.F6);
        until(20, "paused", () -> vm.runStatusProperty().get() == ExperimentStatus.PAUSED);
        assertThat(robot.lookup("#canvasResume").queryButton().isDisabled()).isFalse();
        robot.clickOn("#canvasResume");
        until(20, "running again", () -> vm.runStatusProperty().get() == ExperimentStatus.RUNNING);
        robot.clickOn("#canvasStop");
        until(30, "stopped", () -> vm.runStatusProperty().get() == ExperimentStatus.STOPPED
                || vm.runStatusProperty().get() == ExperimentStatus.FAILED);
        long id = fx(() -> vm.runIdProperty().get());
        assertThat(orchard.children(id)).extracting(r -> r.name()).contains("random_search", "gp_bo");
    }

    @Test
    void aCompleteRunEndsDone(FxRobot robot) {
        String a = add("optimizer:random", 0, 0);
        String v = add("type:validate_best", 320, 0);
        robot.interact(() -> {
            vm.editor().setConfig(a, "budget", 4);
            vm.editor().setConfig(v, "seeds", 2);
            vm.editor().connect(a, "result", v, "best");
            vm.editor().connect(v, "validation", CanvasNode.OUTPUT, "in");
        });
        robot.push(KeyCode.F5);
        until(40, "completed", () -> vm.runStatusProperty().get() == ExperimentStatus.COMPLETED);
        until(5, "both stages done", () -> "done".equals(((NodeView) view.canvas().nodeView(v)).statusText())
                && "done".equals(((NodeView) view.canvas().nodeView(a)).statusText()));
        assertThat(fx(view::runStateText)).startsWith("completed");
    }

    @Test
    void saveOpenAndExportTheSameJsonOrchardRunAccepts(FxRobot robot) throws Exception {
        String a = add("optimizer:random", 0, 0);
        String b = add("optimizer:gp", 320, 40);
        robot.interact(() -> vm.editor().connect(a, "result", b, "warm_start"));
        Path file = tmp.resolve("drawn.json");
        chosen.set(file);
        robot.push(KeyCode.CONTROL, KeyCode.S);
        until(5, "saved", () -> Files.exists(file) && !vm.dirtyProperty().get());
        var spec = Specs.parse(Files.readString(file), "drawn.json");
        assertThat(PipelineExperiments.build(spec, Optional.of(tmp)).graph().nodes()).hasSize(2);

        // a hand-written file without positions opens laid out, on the canvas page
        Path hand = tmp.resolve("hand.json");
        Files.writeString(hand, """
                {"format": "orchard.experiment/1", "name": "hand",
                 "pipeline": {"stages": [{"name": "a", "type": "sweep"}, {"name": "b", "type": "sweep"}, {"name": "c", "type": "validate_best"}],
                  "edges": [{"from": "a.result", "to": "b.warm_start"}, {"from": "a.result", "to": "c.best"}]}}
                """);
        robot.interact(() -> workbench.shell().pageProperty().set(ShellViewModel.Page.RUN));
        chosen.set(hand);
        robot.push(KeyCode.CONTROL, KeyCode.O);
        until(10, "opened in the canvas", () -> vm.editor().doc().name().equals("hand")
                && workbench.shell().pageProperty().get() == ShellViewModel.Page.PIPELINE);
        CanvasGraph g = level();
        assertThat(g.named("b").orElseThrow().x()).isGreaterThan(g.named("a").orElseThrow().x());
        assertThat(g.named("b").orElseThrow().y()).isNotEqualTo(g.named("c").orElseThrow().y());

        Path exported = tmp.resolve("export/hand-export.json");
        Files.createDirectories(exported.getParent());
        chosen.set(exported);
        robot.push(KeyCode.CONTROL, KeyCode.E);
        until(5, "exported", () -> Files.exists(exported));
        assertThat(Json.SPEC.readTree(exported.toFile()).at("/pipeline/edges")).hasSize(2);
        assertThat(fx(() -> vm.fileProperty().get())).isEqualTo(hand.toAbsolutePath());
    }

    @Test
    void aHostileFileShowsWhatItCouldReadAndCommandsNeedConsent(FxRobot robot) throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, """
                {"format": "orchard.experiment/1", "name": "imported",
                 "space": {"params": [{"name": "x", "type": "uniform", "low": 0, "high": 1}]},
                 "objective": {"type": "command", "command": ["sh", "-c", "echo pwned > /tmp/orchard-should-not-exist"]},
                 "budget": 1,
                 "pipeline": {"stages": [
                   {"name": "ok", "type": "sweep"},
                   {"name": "weird", "type": "no_such_type"},
                   17,
                   {"name": "loop", "type": "loop", "config": {"times": "many"}, "stages": [{"name": "inner", "type": "sweep"}]}],
                  "edges": [{"from": "ok.result", "to": "ghost.in"}]}}
                """);
        chosen.set(bad);
        robot.push(KeyCode.CONTROL, KeyCode.O);
        until(10, "opened", () -> vm.editor().doc().name().equals("imported"));
        CanvasGraph g = level();
        assertThat(g.stages()).hasSize(4);
        until(10, "problems are listed", () -> view.problemList().getItems().size() >= 4);
        List<String> items = fx(() -> List.copyOf(view.problemList().getItems()));
        assertThat(items).anyMatch(i -> i.startsWith("Not read: $.pipeline.stages[2]"))
                .anyMatch(i -> i.contains("unknown stage type 'no_such_type'"))
                .anyMatch(i -> i.startsWith("Not read: $.pipeline.edges[0]"));
        robot.push(KeyCode.F5);
        until(10, "refused for the problems", () -> workbench.messages().last().map(m -> m.text().startsWith("Cannot run imported")).orElse(false));
        assertThat(consentAsked).isEmpty();
        closeDialogs(robot);

        // fixed, it still asks before the file's command runs; refused, nothing runs
        robot.interact(() -> {
            vm.editor().select(Set.of(g.named("weird").orElseThrow().id(), g.stages().get(2).id(), g.named("loop").orElseThrow().id()), Set.of());
            vm.editor().deleteSelected();
        });
        until(10, "no problems", () -> vm.problemsProperty().get().isEmpty());
        allowCommands = false;
        robot.push(KeyCode.F5);
        until(10, "consent asked", () -> !consentAsked.isEmpty());
        assertThat(consentAsked.get(0)).containsExactly("sh -c echo pwned > /tmp/orchard-should-not-exist");
        until(5, "not run", () -> workbench.messages().last().map(m -> m.text().startsWith("Not run")).orElse(false));
        assertThat(fx(() -> vm.runIdProperty().get())).isEqualTo(-1);
        assertThat(orchard.experiments()).isEmpty();
    }

    /** Closes the error dialogs the window opened (they take the keyboard focus). */
    private static void closeDialogs(FxRobot robot) {
        until(5, "the error dialog shows", () -> javafx.stage.Window.getWindows().size() > 1);
        robot.interact(() -> new ArrayList<>(javafx.stage.Window.getWindows()).stream()
                .filter(w -> w instanceof Stage s && s.getOwner() != null).forEach(javafx.stage.Window::hide));
    }

    @Test
    void everyCanvasActionHasItsShortcutInTheMenus(FxRobot robot) {
        var bar = robot.lookup("#menuBar").queryAs(javafx.scene.control.MenuBar.class);
        Map<String, String> keys = fx(() -> {
            var out = new java.util.HashMap<String, String>();
            bar.getMenus().forEach(m -> m.getItems().forEach(i -> {
                if (i.getAccelerator() != null) {
                    out.put(i.getText(), i.getAccelerator().getName());
                }
            }));
            return out;
        });
        assertThat(keys).containsKeys("New pipeline", "Open…", "Save pipeline", "Save pipeline as…", "Export JSON…", "Undo", "Redo",
                "Cut", "Copy", "Paste", "Delete", "Select all", "Group into sub-experiment", "Open sub-experiment", "Up one level",
                "Start", "Pause", "Resume", "Stop", "Zoom in", "Zoom out", "Zoom to fit");
        assertThat(keys.get("Redo")).contains("Shift").contains("Z");
        assertThat(fx(() -> ((Label) robot.lookup("#canvasRunState").query()).getText())).isEqualTo("not running");
    }
}
