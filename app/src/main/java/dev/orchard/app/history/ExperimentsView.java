package dev.orchard.app.history;

import dev.orchard.app.support.Format;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** The experiments of the database, newest first; selecting one shows it in the run view. Binds to its view-model. */
public final class ExperimentsView {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final ExperimentsViewModel vm;
    private final VBox root = new VBox();
    private final ListView<ExperimentItem> list = new ListView<>();
    private boolean syncing;

    public ExperimentsView(ExperimentsViewModel vm) {
        this.vm = vm;
        Label header = new Label("Experiments");
        header.getStyleClass().add("panel-header");
        list.setId("experimentList");
        list.getStyleClass().add("experiment-list");
        list.setItems(vm.items());
        Label empty = new Label("No experiments yet");
        empty.getStyleClass().add("empty-state");
        list.setPlaceholder(empty);
        list.setCellFactory(l -> new ItemCell());
        VBox.setVgrow(list, Priority.ALWAYS);
        root.getChildren().addAll(header, list);
        root.getStyleClass().add("experiments-panel");
        root.setMinWidth(220);

        list.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (!syncing && b != null) {
                vm.selectedIdProperty().set(b.id());
            }
        });
        vm.selectedIdProperty().addListener((o, a, b) -> select(b.longValue()));
        // The list is re-read as experiments change: keep the selection on the same experiment.
        vm.items().addListener((ListChangeListener<ExperimentItem>) c -> select(vm.selectedIdProperty().get()));
    }

    private void select(long id) {
        ExperimentItem current = list.getSelectionModel().getSelectedItem();
        if (current != null && current.id() == id && list.getItems().contains(current)) {
            return;
        }
        syncing = true;
        try {
            int index = -1;
            for (int i = 0; i < list.getItems().size(); i++) {
                if (list.getItems().get(i).id() == id) {
                    index = i;
                    break;
                }
            }
            if (index >= 0) {
                list.getSelectionModel().select(index);
            } else {
                list.getSelectionModel().clearSelection();
            }
        } finally {
            syncing = false;
        }
    }

    public Parent root() {
        return root;
    }

    public ListView<ExperimentItem> list() {
        return list;
    }

    /** Two lines: name and number; status, trial count, best value. */
    private static final class ItemCell extends ListCell<ExperimentItem> {
        private final Label name = new Label();
        private final Label id = new Label();
        private final Label status = new Label();
        private final Label trials = new Label();
        private final Label best = new Label();
        private final javafx.scene.control.Tooltip tooltip = new javafx.scene.control.Tooltip();
        private final VBox box;

        ItemCell() {
            name.getStyleClass().add("item-name");
            name.setMinWidth(0);
            id.getStyleClass().add("item-id");
            id.setMinWidth(Region.USE_PREF_SIZE);
            status.getStyleClass().addAll("status-badge", "small");
            status.setMinWidth(Region.USE_PREF_SIZE);
            trials.getStyleClass().add("item-detail");
            trials.setMinWidth(Region.USE_PREF_SIZE);
            best.getStyleClass().add("item-detail");
            best.setMinWidth(0);
            Region spacer = new Region();
            HBox.setHgrow(spacer, Priority.ALWAYS);
            HBox top = new HBox(6, name, spacer, id);
            top.setAlignment(Pos.BASELINE_LEFT);
            HBox bottom = new HBox(8, status, trials, best);
            bottom.setAlignment(Pos.CENTER_LEFT);
            box = new VBox(3, top, bottom);
            box.getStyleClass().add("experiment-item");
            setText(null);
        }

        @Override
        protected void updateItem(ExperimentItem item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                setTooltip(null);
                return;
            }
            name.setText(item.name());
            id.setText("#" + item.id());
            status.setText(item.status().wire());
            String cls = "status-" + item.status().wire();
            if (!status.getStyleClass().contains(cls)) { // touch the classes only on a change: each touch restyles
                status.getStyleClass().removeIf(c -> c.startsWith("status-") && !c.equals("status-badge"));
                status.getStyleClass().add(cls);
                status.applyCss(); // cells update during layout, after the CSS pass: style now, not next frame
            }
            trials.setText(Format.count(item.trials(), "trial"));
            best.setText(item.best().isPresent() ? "best " + Format.value(item.best().getAsDouble()) : "");
            tooltip.setText(item.name() + " (#" + item.id() + ")\ncreated " + WHEN.format(item.createdAt()) + "\n"
                    + Format.count(item.trials(), "trial") + " · " + item.direction().wire());
            setTooltip(tooltip);
            setGraphic(box);
        }
    }
}
