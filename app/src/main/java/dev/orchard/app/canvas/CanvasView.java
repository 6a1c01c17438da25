package dev.orchard.app.canvas;

import dev.orchard.engine.trial.ExperimentStatus;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Separator;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pipeline canvas page: a toolbar (file, edit, levels, zoom, run control), the path of open sub-experiments, the
 * palette, the drawing, the inspector, and the list of problems and of what could not be read. It binds to a
 * {@link CanvasViewModel}; choosing files is left to the window ({@code open}, {@code saveAs}).
 */
public final class CanvasView {
    private final CanvasViewModel vm;
    private final StackPane root = new StackPane();
    private final CanvasPane canvas;
    private final PaletteView palette;
    private final InspectorView inspector;
    private final HBox crumbs = new HBox(4);
    private final Label ghost = new Label();
    private final Label runState = new Label();
    private final Label hint = new Label();
    private final ObservableList<String> problemItems = FXCollections.observableArrayList();
    private final ListView<String> problems = new ListView<>(problemItems);

    public CanvasView(CanvasViewModel vm, Runnable open, Runnable saveAs) {
        this.vm = vm;
        canvas = new CanvasPane(vm);
        palette = new PaletteView(this::ghostAt, () -> ghost.setVisible(false), e -> {
            Point2D c = canvas.toWorld(canvas.getWidth() / 2, canvas.getHeight() / 2);
            canvas.drop(e, c.getX(), c.getY());
        });
        palette.setPrefWidth(224);
        palette.setMinWidth(180);
        inspector = new InspectorView(vm);
        inspector.setPrefWidth(320);
        inspector.setMinWidth(240);

        ToolBar bar = new ToolBar(
                button("canvasNew", "New", "New pipeline (Ctrl+N)", vm::newPipeline),
                button("canvasOpen", "Open", "Open an experiment JSON (Ctrl+O)", open),
                button("canvasSave", "Save", "Save (Ctrl+S)", () -> {
                    if (!vm.save()) {
                        saveAs.run();
                    }
                }),
                new Separator(),
                disabledUnless(button("canvasUndo", "Undo", "Undo (Ctrl+Z)", () -> vm.editor().undo()), vm.canUndoProperty()),
                disabledUnless(button("canvasRedo", "Redo", "Redo (Ctrl+Shift+Z)", () -> vm.editor().redo()), vm.canRedoProperty()),
                disabledUnless(button("canvasDelete", "Delete", "Delete the selection (Delete)", () -> vm.editor().deleteSelected()), vm.hasSelectionProperty()),
                disabledUnless(button("canvasGroup", "Group", "Group the selected stages into a sub-experiment (Ctrl+G)", vm::group), vm.hasSelectionProperty()),
                new Separator(),
                button("canvasZoomOut", "−", "Zoom out (Ctrl+-)", () -> canvas.zoomBy(1 / 1.25)),
                button("canvasZoomIn", "+", "Zoom in (Ctrl+=)", () -> canvas.zoomBy(1.25)),
                button("canvasFit", "Fit", "Zoom to fit (Ctrl+0)", canvas::zoomToFit),
                new Separator(),
                primary(disabledUnless(button("canvasRun", "Run", "Run the pipeline (F5)", vm::run), vm.canRunProperty())),
                disabledUnless(button("canvasPause", "Pause", "Pause (F6)", vm::pause), vm.canPauseProperty()),
                disabledUnless(button("canvasResume", "Resume", "Resume (F7)", vm::resume), vm.canResumeProperty()),
                disabledUnless(button("canvasStop", "Stop", "Stop (Shift+F5)", vm::stop), vm.canStopProperty()),
                spacer(), runState);
        bar.getStyleClass().add("canvas-toolbar");
        runState.setId("canvasRunState");
        runState.getStyleClass().addAll("status-badge", "status-none");
        runState.textProperty().bind(Bindings.createStringBinding(() -> {
            ExperimentStatus s = vm.runStatusProperty().get();
            return s == null ? "not running" : s.wire() + (vm.runIdProperty().get() >= 0 ? " · #" + vm.runIdProperty().get() : "");
        }, vm.runStatusProperty(), vm.runIdProperty()));
        vm.runStatusProperty().addListener((o, a, s) -> {
            runState.getStyleClass().removeIf(c -> c.startsWith("status-") && !c.equals("status-badge"));
            runState.getStyleClass().add(s == null ? "status-none" : "status-" + s.wire());
        });

        crumbs.setId("canvasCrumbs");
        crumbs.getStyleClass().add("canvas-crumbs");
        hint.setId("canvasHint");
        hint.getStyleClass().add("canvas-hint");
        hint.textProperty().bind(vm.hintProperty());
        hint.setWrapText(true);
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox crumbBar = new HBox(8, crumbs, gap, hint);
        crumbBar.getStyleClass().add("canvas-crumb-bar");

        problems.setId("canvasProblems");
        problems.getStyleClass().add("canvas-problems");
        problems.setPrefHeight(96);
        problems.setPlaceholder(new Label("No problems: the pipeline is ready to run."));
        problems.getSelectionModel().selectedIndexProperty().addListener((o, a, i) -> selectFromProblem(i.intValue()));

        BorderPane page = new BorderPane();
        page.getStyleClass().add("canvas-view");
        page.setTop(new VBox(bar, crumbBar));
        page.setLeft(palette);
        page.setCenter(canvas);
        page.setRight(inspector);
        page.setBottom(problems);
        ghost.getStyleClass().add("palette-ghost");
        ghost.setVisible(false);
        ghost.setMouseTransparent(true);
        ghost.setManaged(false);
        Pane ghostLayer = new Pane(ghost);
        ghostLayer.setPickOnBounds(false);
        ghostLayer.setMouseTransparent(true);
        root.getChildren().addAll(page, ghostLayer);
        root.setId("canvasView");

        vm.versionProperty().addListener((o, a, b) -> {
            crumbs();
            fillProblems();
        }); // both cheap when nothing they show changed
        vm.problemsProperty().addListener((o, a, b) -> fillProblems());
        crumbs();
        fillProblems();
    }

    private static Button button(String id, String text, String tip, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        b.setFocusTraversable(false);
        return b;
    }

    private static Button disabledUnless(Button b, javafx.beans.value.ObservableBooleanValue when) {
        b.disableProperty().bind(Bindings.not(when));
        return b;
    }

    private static Button primary(Button b) {
        b.getStyleClass().add("primary");
        return b;
    }

    private static Region spacer() {
        Region r = new Region();
        HBox.setHgrow(r, Priority.ALWAYS);
        return r;
    }

    private void ghostAt(PaletteEntry e, Point2D scene) {
        ghost.setText(e.label());
        ghost.setVisible(true);
        Point2D local = root.sceneToLocal(scene);
        ghost.autosize();
        ghost.relocate(local.getX() + 12, local.getY() + 8);
    }

    private String crumbsKey = "";

    private void crumbs() {
        String key = vm.editor().doc().name() + vm.dirtyProperty().get() + vm.editor().openBlocks().stream()
                .map(n -> n.id() + n.name()).toList();
        if (key.equals(crumbsKey)) {
            return;
        }
        crumbsKey = key;
        List<Node> out = new ArrayList<>();
        Hyperlink top = new Hyperlink(vm.editor().doc().name() + (vm.dirtyProperty().get() ? " •" : ""));
        top.setId("crumb-0");
        top.setOnAction(e -> vm.editor().upTo(0));
        out.add(top);
        List<CanvasNode> open = vm.editor().openBlocks();
        for (int i = 0; i < open.size(); i++) {
            int depth = i + 1;
            out.add(new Label("›"));
            Hyperlink l = new Hyperlink(open.get(i).name() + " (" + open.get(i).type() + ")");
            l.setId("crumb-" + depth);
            l.setOnAction(e -> vm.editor().upTo(depth));
            out.add(l);
        }
        crumbs.getChildren().setAll(out);
    }

    private final List<String> problemTargets = new ArrayList<>();

    private CanvasProblems filledFrom;
    private List<String> filledNotes;

    private void fillProblems() {
        CanvasProblems p = vm.problemsProperty().get();
        if (p == filledFrom && vm.editor().doc().notes() == filledNotes) {
            return;
        }
        filledFrom = p;
        filledNotes = vm.editor().doc().notes();
        var items = new ArrayList<String>();
        problemTargets.clear();
        for (String n : vm.editor().doc().notes()) {
            items.add("Not read: " + n);
            problemTargets.add("");
        }
        p.general().forEach(m -> {
            items.add(m);
            problemTargets.add("");
        });
        p.byNode().forEach((id, ms) -> ms.forEach(m -> {
            items.add(nameOf(id) + ": " + m);
            problemTargets.add(id);
        }));
        p.byEdge().forEach((id, ms) -> ms.forEach(m -> {
            items.add("connection: " + m);
            problemTargets.add(id);
        }));
        if (!items.equals(problemItems)) {
            problemItems.setAll(items);
        }
    }

    private String nameOf(String id) {
        return vm.editor().doc().graph().pathOf(id).orElse(id);
    }

    private void selectFromProblem(int i) {
        if (i < 0 || i >= problemTargets.size()) {
            return;
        }
        String id = problemTargets.get(i);
        CanvasGraph g = vm.editor().level();
        if (g.node(id).isPresent()) {
            vm.editor().select(java.util.Set.of(id), java.util.Set.of());
        } else if (g.edge(id).isPresent()) {
            vm.editor().select(java.util.Set.of(), java.util.Set.of(id));
        }
    }

    public Node root() {
        return root;
    }

    /** Zoom controls for the window's menus. */
    public void zoomIn() {
        canvas.zoomBy(1.25);
    }

    public void zoomOut() {
        canvas.zoomBy(1 / 1.25);
    }

    public void zoomToFit() {
        canvas.zoomToFit();
    }

    public void focusCanvas() {
        canvas.requestFocus();
    }

    CanvasPane canvas() {
        return canvas;
    }

    PaletteView palette() {
        return palette;
    }

    InspectorView inspector() {
        return inspector;
    }

    ListView<String> problemList() {
        return problems;
    }

    String runStateText() {
        return runState.getText().toLowerCase(Locale.ROOT);
    }
}
