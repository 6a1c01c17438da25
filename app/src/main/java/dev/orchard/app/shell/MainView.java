package dev.orchard.app.shell;

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
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.stage.Window;
import org.controlsfx.control.StatusBar;

/**
 * The main window: menus (File, Run, View), the experiments list on the left, the run view in the centre, a status
 * bar at the bottom. It binds to {@link ShellViewModel}; file choosing goes through {@link FileDialogs}.
 */
public final class MainView {
    private final ShellViewModel shell;
    private final RunViewModel run;
    private final FileDialogs dialogs;
    private final BorderPane root = new BorderPane();
    private final RunView runView;
    private final ExperimentsView experimentsView;
    private final StatusBar statusBar = new StatusBar();
    private Scene scene;

    public MainView(ShellViewModel shell, RunViewModel run, ExperimentsView experimentsView, Messages messages,
                    FileDialogs dialogs) {
        this.shell = shell;
        this.run = run;
        this.dialogs = dialogs;
        this.experimentsView = experimentsView;
        this.runView = new RunView(run, this::exportChosen);
        root.getStyleClass().add("main-window");
        root.setTop(menuBar());
        SplitPane split = new SplitPane(experimentsView.root(), runView.root());
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

    private MenuBar menuBar() {
        MenuItem open = new MenuItem("Open spec…");
        open.setId("menuOpen");
        open.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN));
        open.setOnAction(e -> dialogs.chooseSpec(window(), shell.lastFolder()).ifPresent(shell::openSpec));
        MenuItem export = new MenuItem("Export JSON…");
        export.setId("menuExport");
        export.setAccelerator(new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN));
        export.disableProperty().bind(run.canExportProperty().not());
        export.setOnAction(e -> exportChosen());
        MenuItem quit = new MenuItem("Quit");
        quit.setId("menuQuit");
        quit.setAccelerator(new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN));
        quit.setOnAction(e -> {
            if (window() != null) {
                window().hide(); // gone at once; closing the engine (stopping sweeps) happens in OrchardApp.stop()
            }
            Platform.exit();
        });
        Menu file = new Menu("File", null, open, export, new SeparatorMenuItem(), quit);
        file.setId("menuFile");

        MenuItem start = new MenuItem("Start");
        start.setAccelerator(new KeyCodeCombination(KeyCode.F5));
        start.disableProperty().bind(run.canStartProperty().not());
        start.setOnAction(e -> run.start());
        MenuItem pause = new MenuItem("Pause");
        pause.setAccelerator(new KeyCodeCombination(KeyCode.F6));
        pause.disableProperty().bind(run.canPauseProperty().not());
        pause.setOnAction(e -> run.pause());
        MenuItem resume = new MenuItem("Resume");
        resume.setAccelerator(new KeyCodeCombination(KeyCode.F7));
        resume.disableProperty().bind(run.canResumeProperty().not());
        resume.setOnAction(e -> run.resume());
        MenuItem stop = new MenuItem("Stop");
        stop.setAccelerator(new KeyCodeCombination(KeyCode.F5, KeyCombination.SHIFT_DOWN));
        stop.disableProperty().bind(run.canStopProperty().not());
        stop.setOnAction(e -> run.stop());
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
        Menu view = new Menu("View", null, light, dark);
        view.setId("menuView");

        MenuBar bar = new MenuBar(file, runMenu, view);
        bar.setId("menuBar");
        return bar;
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

    public ExperimentsView experimentsView() {
        return experimentsView;
    }

    public StatusBar statusBar() {
        return statusBar;
    }
}
