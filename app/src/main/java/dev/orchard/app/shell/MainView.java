package dev.orchard.app.shell;

import dev.orchard.app.canvas.CanvasView;
import dev.orchard.app.canvas.CanvasViewModel;
import dev.orchard.app.history.ExperimentsView;
import dev.orchard.app.support.Messages;
import dev.orchard.app.sweep.RunView;
import dev.orchard.app.sweep.RunViewModel;
import javafx.application.Platform;
import javafx.geometry.Orientation;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.stage.Window;
import org.controlsfx.control.StatusBar;

/**
 * The main window: menus (File, Edit, Run, View), the experiments list on the left, two pages in the centre (the run
 * view and the pipeline canvas), a status bar at the bottom. The Run menu acts on the page on display. It binds to
 * {@link ShellViewModel}; file choosing goes through {@link FileDialogs}.
 */
public final class MainView {
    private final ShellViewModel shell;
    private final RunViewModel run;
    private final CanvasViewModel canvasVm;
    private final FileDialogs dialogs;
    private final CanvasView canvasView;
    private final TabPane pages = new TabPane();
    private final BorderPane root = new BorderPane();
    private final RunView runView;
    private final ExperimentsView experimentsView;
    private final StatusBar statusBar = new StatusBar();
    private Scene scene;

    public MainView(ShellViewModel shell, RunViewModel run, CanvasViewModel canvasVm, ExperimentsView experimentsView,
                    Messages messages, FileDialogs dialogs) {
        this.shell = shell;
        this.run = run;
        this.canvasVm = canvasVm;
        this.dialogs = dialogs;
        this.experimentsView = experimentsView;
        this.runView = new RunView(run, this::exportChosen);
        this.canvasView = new CanvasView(canvasVm, this::openChosen, this::saveAsChosen);
        canvasVm.setQuestions(new CanvasQuestions(this::window, () -> shell.themeProperty().get()));
        root.getStyleClass().add("main-window");
        Tab runTab = new Tab("Run", runView.root());
        runTab.setId("tabRun");
        Tab pipelineTab = new Tab("Pipeline", canvasView.root());
        pipelineTab.setId("tabPipeline");
        pages.getTabs().addAll(runTab, pipelineTab);
        pages.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        pages.getStyleClass().add("pages");
        pages.getSelectionModel().select(shell.pageProperty().get() == ShellViewModel.Page.PIPELINE ? pipelineTab : runTab);
        pages.getSelectionModel().selectedItemProperty().addListener((o, a, t) ->
                shell.pageProperty().set(t == pipelineTab ? ShellViewModel.Page.PIPELINE : ShellViewModel.Page.RUN));
        shell.pageProperty().addListener((o, a, p) -> pages.getSelectionModel().select(p == ShellViewModel.Page.PIPELINE ? pipelineTab : runTab));
        root.setTop(menuBar());
        SplitPane split = new SplitPane(experimentsView.root(), pages);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.2);
        SplitPane.setResizableWithParent(experimentsView.root(), false);
        split.getStyleClass().add("main-split");
        root.setCenter(split);

        statusBar.setId("statusBar");
        statusBar.setText("");
        Label db = new Label("Database: " + shell.databaseText());
        db.getStyleClass().add("status-db");
        statusBar.getRightItems().add(db);
        root.setBottom(statusBar);
        messages.lastProperty().addListener((o, a, m) -> {
            if (m == null) {
                return;
            }
            statusBar.setText(m.text().replace('\n', ' '));
            statusBar.getStyleClass().removeAll("status-error");
            if (m.level() == Messages.Level.ERROR) {
                statusBar.getStyleClass().add("status-error");
                showError(m.text());
            }
        });
    }

    private static MenuItem item(String id, String text, KeyCodeCombination key, Runnable action) {
        MenuItem m = new MenuItem(text);
        m.setId(id);
        if (key != null) {
            m.setAccelerator(key);
        }
        m.setOnAction(e -> action.run());
        return m;
    }

    private static KeyCodeCombination shortcut(KeyCode code, KeyCombination.Modifier... more) {
        KeyCombination.Modifier[] mods = new KeyCombination.Modifier[more.length + 1];
        mods[0] = KeyCombination.SHORTCUT_DOWN;
        System.arraycopy(more, 0, mods, 1, more.length);
        return new KeyCodeCombination(code, mods);
    }

    /** A Run-menu item that acts on the page on display: the canvas's pipeline or the run view's sweep. */
    private static MenuItem onPage(javafx.beans.binding.BooleanBinding onCanvas, String id, String text, KeyCodeCombination key,
                                   Runnable canvasAction, javafx.beans.value.ObservableBooleanValue canvasCan,
                                   Runnable runAction, javafx.beans.value.ObservableBooleanValue runCan) {
        MenuItem m = item(id, text, key, () -> {
            if (onCanvas.get()) {
                canvasAction.run();
            } else {
                runAction.run();
            }
        });
        m.disableProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(
                () -> !(onCanvas.get() ? canvasCan.get() : runCan.get()), onCanvas, canvasCan, runCan));
        return m;
    }

    private MenuBar menuBar() {
        javafx.beans.binding.BooleanBinding onCanvas = javafx.beans.binding.Bindings.createBooleanBinding(
                () -> shell.pageProperty().get() == ShellViewModel.Page.PIPELINE, shell.pageProperty());
        MenuItem newPipeline = item("menuNewPipeline", "New pipeline", shortcut(KeyCode.N), () -> {
            shell.pageProperty().set(ShellViewModel.Page.PIPELINE);
            canvasVm.newPipeline();
        });
        MenuItem open = item("menuOpen", "Open…", shortcut(KeyCode.O), this::openChosen);
        MenuItem save = item("menuSave", "Save pipeline", shortcut(KeyCode.S), () -> {
            if (!canvasVm.save()) {
                saveAsChosen();
            }
        });
        save.disableProperty().bind(onCanvas.not());
        MenuItem saveAs = item("menuSaveAs", "Save pipeline as…", shortcut(KeyCode.S, KeyCombination.SHIFT_DOWN), this::saveAsChosen);
        saveAs.disableProperty().bind(onCanvas.not());
        MenuItem export = item("menuExport", "Export JSON…", shortcut(KeyCode.E), () -> {
            if (onCanvas.get()) {
                dialogs.chooseExportFile(window(), canvasVm.editor().doc().name() + ".json", shell.lastFolder()).ifPresent(canvasVm::export);
            } else {
                exportChosen();
            }
        });
        export.disableProperty().bind(onCanvas.not().and(run.canExportProperty().not()));
        MenuItem quit = item("menuQuit", "Quit", shortcut(KeyCode.Q), () -> {
            if (window() != null) {
                window().hide(); // gone at once; closing the engine (stopping sweeps) happens in OrchardApp.stop()
            }
            Platform.exit();
        });
        Menu file = new Menu("File", null, newPipeline, open, save, saveAs, export, new SeparatorMenuItem(), quit);
        file.setId("menuFile");

        var ed = canvasVm.editor();
        MenuItem undo = item("menuUndo", "Undo", shortcut(KeyCode.Z), ed::undo);
        undo.disableProperty().bind(onCanvas.not().or(canvasVm.canUndoProperty().not()));
        MenuItem redo = item("menuRedo", "Redo", shortcut(KeyCode.Z, KeyCombination.SHIFT_DOWN), ed::redo);
        redo.disableProperty().bind(onCanvas.not().or(canvasVm.canRedoProperty().not()));
        MenuItem cut = item("menuCut", "Cut", shortcut(KeyCode.X), ed::cut);
        MenuItem copy = item("menuCopy", "Copy", shortcut(KeyCode.C), ed::copy);
        MenuItem paste = item("menuPaste", "Paste", shortcut(KeyCode.V), ed::paste);
        paste.disableProperty().bind(onCanvas.not().or(canvasVm.canPasteProperty().not()));
        MenuItem delete = item("menuDelete", "Delete", new KeyCodeCombination(KeyCode.DELETE), ed::deleteSelected);
        for (MenuItem m : new MenuItem[]{cut, copy, delete}) {
            m.disableProperty().bind(onCanvas.not().or(canvasVm.hasSelectionProperty().not()));
        }
        MenuItem selectAll = item("menuSelectAll", "Select all", shortcut(KeyCode.A), ed::selectAll);
        MenuItem group = item("menuGroup", "Group into sub-experiment", shortcut(KeyCode.G), canvasVm::group);
        group.disableProperty().bind(onCanvas.not().or(canvasVm.hasSelectionProperty().not()));
        MenuItem openGroup = item("menuOpenGroup", "Open sub-experiment", shortcut(KeyCode.DOWN),
                () -> ed.selectedNode().ifPresent(n -> ed.open(n.id())));
        MenuItem up = item("menuUp", "Up one level", shortcut(KeyCode.UP), ed::up);
        up.disableProperty().bind(onCanvas.not().or(canvasVm.insideBlockProperty().not()));
        selectAll.disableProperty().bind(onCanvas.not());
        openGroup.disableProperty().bind(onCanvas.not());
        Menu edit = new Menu("Edit", null, undo, redo, new SeparatorMenuItem(), cut, copy, paste, delete, selectAll,
                new SeparatorMenuItem(), group, openGroup, up);
        edit.setId("menuEdit");

        MenuItem start = onPage(onCanvas, "menuStart", "Start", new KeyCodeCombination(KeyCode.F5),
                canvasVm::run, canvasVm.canRunProperty(), run::start, run.canStartProperty());
        MenuItem pause = onPage(onCanvas, "menuPause", "Pause", new KeyCodeCombination(KeyCode.F6),
                canvasVm::pause, canvasVm.canPauseProperty(), run::pause, run.canPauseProperty());
        MenuItem resume = onPage(onCanvas, "menuResume", "Resume", new KeyCodeCombination(KeyCode.F7),
                canvasVm::resume, canvasVm.canResumeProperty(), run::resume, run.canResumeProperty());
        MenuItem stop = onPage(onCanvas, "menuStop", "Stop", new KeyCodeCombination(KeyCode.F5, KeyCombination.SHIFT_DOWN),
                canvasVm::stop, canvasVm.canStopProperty(), run::stop, run.canStopProperty());
        Menu runMenu = new Menu("Run", null, start, pause, resume, stop);
        runMenu.setId("menuRun");

        ToggleGroup themes = new ToggleGroup();
        RadioMenuItem light = new RadioMenuItem("Light theme");
        light.setId("menuLight");
        light.setAccelerator(new KeyCodeCombination(KeyCode.L, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN));
        RadioMenuItem dark = new RadioMenuItem("Dark theme");
        dark.setId("menuDark");
        dark.setAccelerator(new KeyCodeCombination(KeyCode.D, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN));
        light.setToggleGroup(themes);
        dark.setToggleGroup(themes);
        light.setOnAction(e -> shell.setTheme(Theme.LIGHT));
        dark.setOnAction(e -> shell.setTheme(Theme.DARK));
        Runnable syncThemeItems = () -> themes.selectToggle(shell.themeProperty().get() == Theme.DARK ? dark : light);
        shell.themeProperty().addListener((o, a, b) -> syncThemeItems.run());
        syncThemeItems.run();
        MenuItem zoomIn = item("menuZoomIn", "Zoom in", shortcut(KeyCode.EQUALS), canvasView::zoomIn);
        MenuItem zoomOut = item("menuZoomOut", "Zoom out", shortcut(KeyCode.MINUS), canvasView::zoomOut);
        MenuItem fit = item("menuZoomFit", "Zoom to fit", shortcut(KeyCode.DIGIT0), canvasView::zoomToFit);
        for (MenuItem m : new MenuItem[]{zoomIn, zoomOut, fit}) {
            m.disableProperty().bind(onCanvas.not());
        }
        MenuItem showRun = item("menuShowRun", "Run page", shortcut(KeyCode.DIGIT1), () -> shell.pageProperty().set(ShellViewModel.Page.RUN));
        MenuItem showCanvas = item("menuShowPipeline", "Pipeline canvas", shortcut(KeyCode.DIGIT2),
                () -> shell.pageProperty().set(ShellViewModel.Page.PIPELINE));
        Menu view = new Menu("View", null, showRun, showCanvas, new SeparatorMenuItem(), zoomIn, zoomOut, fit,
                new SeparatorMenuItem(), light, dark);
        view.setId("menuView");

        MenuBar bar = new MenuBar(file, edit, runMenu, view);
        bar.setId("menuBar");
        return bar;
    }

    /** Asks for a file, then opens it on the page it belongs to (a pipeline in the canvas). */
    public void openChosen() {
        dialogs.chooseSpec(window(), shell.lastFolder()).ifPresent(shell::open);
    }

    /** Asks where to save the pipeline on the canvas, then saves it there. */
    public void saveAsChosen() {
        dialogs.chooseExportFile(window(), canvasVm.editor().doc().name() + ".json", shell.lastFolder()).ifPresent(canvasVm::saveTo);
    }

    /** Asks where to export the experiment on display, then exports it in the background. */
    public void exportChosen() {
        if (!run.canExportProperty().get()) {
            return;
        }
        dialogs.chooseExportFile(window(), run.suggestedExportName(), shell.lastFolder()).ifPresent(run::export);
    }

    private void showError(String text) {
        int nl = text.indexOf('\n');
        String header = nl < 0 ? text : text.substring(0, nl);
        String body = nl < 0 ? "" : text.substring(nl + 1);
        Alert a = ErrorDialogs.error(header, body);
        a.getDialogPane().getStylesheets().setAll(shell.themeProperty().get().stylesheets());
        if (window() != null) {
            a.initOwner(window());
        }
        a.show();
    }

    /** Creates the scene (themed, following the theme property). */
    public Scene scene(double width, double height) {
        if (scene == null) {
            scene = new Scene(root, width, height);
            applyTheme(shell.themeProperty().get());
            shell.themeProperty().addListener((o, a, t) -> applyTheme(t));
        }
        return scene;
    }

    private void applyTheme(Theme t) {
        scene.getStylesheets().setAll(t.stylesheets());
        root.getStyleClass().removeAll("theme-light", "theme-dark");
        root.getStyleClass().add("theme-" + t.name().toLowerCase(java.util.Locale.ROOT));
    }

    private Window window() {
        return scene == null ? null : scene.getWindow();
    }

    public Parent root() {
        return root;
    }

    public RunView runView() {
        return runView;
    }

    public CanvasView canvasView() {
        return canvasView;
    }

    public TabPane pages() {
        return pages;
    }

    public ExperimentsView experimentsView() {
        return experimentsView;
    }

    public StatusBar statusBar() {
        return statusBar;
    }
}
