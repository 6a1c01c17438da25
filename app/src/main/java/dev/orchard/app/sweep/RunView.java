package dev.orchard.app.sweep;

import dev.orchard.app.support.Format;
import dev.orchard.app.support.ListMirror;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.TrialState;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.geometry.Side;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TableRow;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Separator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The run view: a toolbar (loaded spec, Start / Pause / Resume / Stop, Export), a status line (status, progress, best
 * value) and, side by side, the live trial table and the optimization-history chart. It only binds to
 * {@link RunViewModel}.
 */
public final class RunView {
    private final RunViewModel vm;
    private final BorderPane root = new BorderPane();
    private final TableView<TrialRow> table = new TableView<>();
    private final LineChart<Number, Number> chart;

    /** {@code onExport} asks for a file and exports (the shell owns the file dialog). */
    public RunView(RunViewModel vm, Runnable onExport) {
        this.vm = vm;
        root.getStyleClass().add("run-view");
        root.setTop(new VBox(toolbar(onExport), statusLine()));

        buildTable();
        NumberAxis x = new NumberAxis();
        x.setLabel("Trial");
        x.setForceZeroInRange(true);
        x.setMinorTickVisible(false);
        NumberAxis y = new NumberAxis();
        y.setLabel("Value");
        y.setForceZeroInRange(false);
        y.setMinorTickVisible(false);
        chart = new LineChart<>(x, y);
        buildChart();
        // The x axis spans the whole budget from the start, so the chart fills from left to right as trials finish.
        x.setAutoRanging(false);
        Runnable range = () -> fitTrialAxis(x, vm.budgetProperty().get(),
                vm.valuePoints().isEmpty() ? 0 : vm.valuePoints().stream().mapToDouble(ChartPoint::x).max().orElse(0));
        vm.budgetProperty().addListener((o, a, b) -> range.run());
        vm.valuePoints().addListener((ListChangeListener<ChartPoint>) c -> {
            if (vm.valuePoints().isEmpty() || vm.valuePoints().get(vm.valuePoints().size() - 1).x() > x.getUpperBound()) {
                range.run();
            }
        });
        range.run();

        Label chartEmpty = new Label("The optimization history appears here as trials complete");
        chartEmpty.getStyleClass().add("empty-state");
        chartEmpty.setMouseTransparent(true);
        chartEmpty.visibleProperty().bind(javafx.beans.binding.Bindings.isEmpty(vm.valuePoints()));
        StackPane chartPane = new StackPane(chart, chartEmpty);
        chartPane.getStyleClass().add("chart-pane");

        SplitPane split = new SplitPane(table, chartPane);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.42);
        split.getStyleClass().add("run-split");
        root.setCenter(split);
    }

    public Parent root() {
        return root;
    }

    private Node toolbar(Runnable onExport) {
        Label spec = new Label();
        spec.setId("specName");
        spec.getStyleClass().add("spec-name");
        spec.textProperty().bind(vm.specNameProperty());
        Label summary = new Label();
        summary.setId("specSummary");
        summary.getStyleClass().add("spec-summary");
        summary.textProperty().bind(vm.specSummaryProperty());
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> vm.loaded()
                .map(l -> (l.spec().description() == null ? "" : l.spec().description() + "\n")
                        + l.file().map(Object::toString).orElse(""))
                .orElse("No spec loaded"), vm.loadedProperty()));
        spec.setTooltip(tip);
        VBox specBox = new VBox(2, spec, summary);
        specBox.setAlignment(Pos.CENTER_LEFT);
        specBox.setMinWidth(0);
        HBox.setHgrow(specBox, Priority.ALWAYS);

        Button start = button("startButton", "Start", "icon-start", "Start a sweep of the loaded spec (F5)");
        start.disableProperty().bind(vm.canStartProperty().not());
        start.setOnAction(e -> vm.start());
        start.setDefaultButton(false);
        start.getStyleClass().add("primary");
        Button pause = button("pauseButton", "Pause", "icon-pause", "Let running trials finish and start no new ones (F6)");
        pause.disableProperty().bind(vm.canPauseProperty().not());
        pause.setOnAction(e -> vm.pause());
        Button resume = button("resumeButton", "Resume", "icon-resume", "Continue the paused sweep (F7)");
        resume.disableProperty().bind(vm.canResumeProperty().not());
        resume.setOnAction(e -> vm.resume());
        Button stop = button("stopButton", "Stop", "icon-stop", "End the sweep; running trials are stopped (Shift+F5)");
        stop.disableProperty().bind(vm.canStopProperty().not());
        stop.setOnAction(e -> vm.stop());
        Button export = button("exportButton", "Export JSON…", "icon-export", "Export the experiment on display (Ctrl+E)");
        export.disableProperty().bind(vm.canExportProperty().not());
        export.setOnAction(e -> onExport.run());

        HBox controls = new HBox(6, start, pause, resume, stop);
        controls.getStyleClass().add("run-controls");
        controls.setAlignment(Pos.CENTER_LEFT);
        Separator sep = new Separator(Orientation.VERTICAL);
        HBox bar = new HBox(12, specBox, controls, sep, export);
        bar.getStyleClass().add("run-toolbar");
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }

    private static Button button(String id, String text, String icon, String tooltip) {
        Region glyph = new Region();
        glyph.getStyleClass().addAll("icon", icon);
        Button b = new Button(text, glyph);
        b.setId(id);
        b.setTooltip(new Tooltip(tooltip));
        b.setMinWidth(Region.USE_PREF_SIZE);
        return b;
    }

    private Node statusLine() {
        Label experiment = new Label();
        experiment.setId("experimentLabel");
        experiment.getStyleClass().add("experiment-label");
        experiment.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> vm.displayedIdProperty().get() < 0
                ? "No experiment on display" : "#" + vm.displayedIdProperty().get() + "  " + vm.displayedNameProperty().get(),
                vm.displayedIdProperty(), vm.displayedNameProperty()));
        Label status = new Label();
        status.setId("statusLabel");
        status.getStyleClass().add("status-badge");
        status.textProperty().bind(vm.statusTextProperty());
        vm.displayedStatusProperty().addListener((o, a, b) -> statusClass(status, b));
        statusClass(status, vm.displayedStatusProperty().get());

        ProgressBar bar = new ProgressBar();
        bar.setId("progressBar");
        bar.progressProperty().bind(vm.progressProperty());
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.setPrefWidth(260);
        HBox.setHgrow(bar, Priority.ALWAYS);
        Label progress = new Label();
        progress.setId("progressLabel");
        progress.getStyleClass().add("progress-label");
        progress.textProperty().bind(vm.progressTextProperty());
        progress.setMinWidth(Region.USE_PREF_SIZE);
        Label best = new Label();
        best.setId("bestLabel");
        best.getStyleClass().add("best-label");
        best.textProperty().bind(vm.bestTextProperty());
        best.setMinWidth(Region.USE_PREF_SIZE);

        HBox line = new HBox(12, experiment, status, bar, progress, best);
        line.getStyleClass().add("run-status");
        line.setAlignment(Pos.CENTER_LEFT);
        return line;
    }

    private static void statusClass(Label l, ExperimentStatus s) {
        l.getStyleClass().removeIf(c -> c.startsWith("status-") && !c.equals("status-badge"));
        l.getStyleClass().add("status-" + (s == null ? "none" : s.wire()));
    }

    private void buildTable() {
        table.setId("trialTable");
        table.getStyleClass().add("trial-table");
        Label placeholder = new Label("No trials yet — press Start");
        placeholder.getStyleClass().add("empty-state");
        table.setPlaceholder(placeholder);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        SortedList<TrialRow> sorted = new SortedList<>(vm.rows());
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(sorted);
        rebuildColumns();
        vm.parameterNames().addListener((ListChangeListener<String>) c -> rebuildColumns());
        table.setRowFactory(t -> trialRow());
        // Follow the newest trial while a sweep runs and the table is in trial order.
        vm.rows().addListener((ListChangeListener<TrialRow>) c -> {
            boolean added = false;
            while (c.next()) {
                added |= c.wasAdded() && !c.wasReplaced();
            }
            if (added && vm.liveProperty().get() && table.getSortOrder().isEmpty() && !table.getItems().isEmpty()) {
                table.scrollTo(table.getItems().size() - 1);
            }
        });
    }

    /** A table row with the trial's own controls in its context menu, enabled by the trial's state when it opens. */
    private TableRow<TrialRow> trialRow() {
        TableRow<TrialRow> row = new TableRow<>();
        MenuItem pause = new MenuItem("Pause trial");
        pause.setId("pauseTrialItem");
        pause.setOnAction(e -> vm.pauseTrial(row.getItem()));
        MenuItem resume = new MenuItem("Resume trial");
        resume.setId("resumeTrialItem");
        resume.setOnAction(e -> vm.resumeTrial(row.getItem()));
        MenuItem stop = new MenuItem("Stop trial");
        stop.setId("stopTrialItem");
        stop.setOnAction(e -> vm.stopTrial(row.getItem()));
        ContextMenu menu = new ContextMenu(pause, resume, new SeparatorMenuItem(), stop);
        menu.setOnShowing(e -> {
            TrialRow r = row.getItem();
            pause.setDisable(r == null || !vm.canPauseTrial(r));
            resume.setDisable(r == null || !vm.canResumeTrial(r));
            stop.setDisable(r == null || !vm.canStopTrial(r));
        });
        row.contextMenuProperty().bind(javafx.beans.binding.Bindings.when(row.emptyProperty())
                .then((ContextMenu) null).otherwise(menu));
        return row;
    }

    private void rebuildColumns() {
        TableColumn<TrialRow, Integer> number = new TableColumn<>("#");
        number.setId("col-number");
        number.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().number()));
        number.getStyleClass().add("numeric");
        number.setPrefWidth(48);
        number.setMaxWidth(90);

        TableColumn<TrialRow, TrialState> state = new TableColumn<>("State");
        state.setId("col-state");
        state.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().state()));
        state.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(TrialState s, boolean empty) {
                super.updateItem(s, empty);
                String cls = empty || s == null ? null : "state-" + s.wire();
                if (cls == null || !getStyleClass().contains(cls)) { // touch the classes only on a change
                    getStyleClass().removeIf(k -> k.startsWith("state-"));
                    if (cls != null) {
                        getStyleClass().add(cls);
                    }
                    applyCss(); // cells update during layout, after the CSS pass: style now, not next frame
                }
                if (empty || s == null) {
                    setText(null);
                    setTooltip(null);
                } else {
                    setText(s.wire());
                    TrialRow row = getTableRow() == null ? null : getTableRow().getItem();
                    setTooltip(row != null && row.error().isPresent() ? new Tooltip(row.error().get()) : null);
                }
            }
        });
        state.setPrefWidth(92);
        state.setMaxWidth(140);

        List<TableColumn<TrialRow, ?>> cols = new java.util.ArrayList<>(List.of(number, state));
        for (String p : vm.parameterNames()) {
            TableColumn<TrialRow, Object> c = new TableColumn<>(p);
            c.setId("col-param-" + p);
            c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(cd.getValue().params().get(p)));
            c.setCellFactory(col -> new TableCell<>() {
                @Override
                protected void updateItem(Object v, boolean empty) {
                    super.updateItem(v, empty);
                    setText(empty ? null : Format.param(v));
                }
            });
            c.setComparator(PARAM_ORDER);
            c.getStyleClass().add("numeric");
            c.setPrefWidth(96);
            cols.add(c);
        }
        TableColumn<TrialRow, OptionalDouble> value = new TableColumn<>("Value");
        value.setId("col-value");
        value.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().value()));
        value.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(OptionalDouble v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null ? null : Format.value(v));
            }
        });
        value.setComparator(Comparator.comparingDouble(v -> v.isPresent() ? v.getAsDouble() : Double.POSITIVE_INFINITY));
        value.getStyleClass().add("numeric");
        value.setPrefWidth(110);
        cols.add(value);
        table.getSortOrder().clear();
        table.getColumns().setAll(cols);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final Comparator<Object> PARAM_ORDER = (a, b) -> {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof Comparable ca && a.getClass() == b.getClass()) {
            return ca.compareTo(b);
        }
        return String.valueOf(a).compareTo(String.valueOf(b));
    };

    private void buildChart() {
        chart.setId("historyChart");
        chart.getStyleClass().add("history-chart");
        chart.setTitle("Optimization history");
        chart.setAnimated(false);
        chart.setCreateSymbols(true);
        chart.setLegendSide(Side.BOTTOM);
        chart.setAxisSortingPolicy(LineChart.SortingPolicy.NONE);
        XYChart.Series<Number, Number> values = new XYChart.Series<>();
        values.setName("Trial value");
        XYChart.Series<Number, Number> best = new XYChart.Series<>();
        best.setName("Best so far");
        chart.getData().setAll(List.of(values, best));
        ListMirror.bind(vm.valuePoints(), values.getData(), p -> new XYChart.Data<>(p.x(), p.y()));
        ListMirror.bind(vm.bestPoints(), best.getData(), p -> new XYChart.Data<>(p.x(), p.y()));
    }

    static void fitTrialAxis(NumberAxis axis, int budget, double maxTrial) {
        double last = Math.max(Math.max(budget - 1, maxTrial), 1);
        double unit = niceUnit(last / 10);
        axis.setLowerBound(0);
        axis.setUpperBound(Math.ceil(last / unit) * unit);
        axis.setTickUnit(unit);
    }

    /** 1, 2 or 5 times a power of ten, at least 1 (trials are whole numbers). */
    static double niceUnit(double raw) {
        if (raw <= 1) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double norm = raw / mag;
        return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
    }

    /** For tests and the shell: the trial table and the chart. */
    public TableView<TrialRow> table() {
        return table;
    }

    public LineChart<Number, Number> chart() {
        return chart;
    }
}
