package dev.orchard.app.canvas;

import javafx.geometry.Point2D;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The palette: stage types and presets by category, with a search field. Drag an item onto the canvas (a press-drag-
 * release gesture the canvas receives; a ghost follows the pointer), or double-click it / press Enter to add it in the
 * middle of the view.
 */
final class PaletteView extends VBox {
    private final List<PaletteEntry> entries = Palette.entries();
    private final VBox items = new VBox();
    private final TextField search = new TextField();
    private final BiConsumer<PaletteEntry, Point2D> dragging;
    private final Consumer<PaletteEntry> added;
    private final Runnable dragEnded;

    /**
     * @param dragging told where (scene coordinates) an item is being dragged, for the ghost
     * @param dragEnded told when the drag ends (dropped or not)
     * @param added an item to add at the centre of the view
     */
    PaletteView(BiConsumer<PaletteEntry, Point2D> dragging, Runnable dragEnded, Consumer<PaletteEntry> added) {
        this.dragging = dragging;
        this.dragEnded = dragEnded;
        this.added = added;
        getStyleClass().add("palette");
        setId("palette");
        Label title = new Label("Palette");
        title.getStyleClass().add("panel-header");
        title.setMaxWidth(Double.MAX_VALUE);
        search.setId("paletteSearch");
        search.setPromptText("Search stages and hooks");
        search.getStyleClass().add("palette-search");
        search.textProperty().addListener((o, a, b) -> fill(b));
        search.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                entries.stream().filter(x -> x.matches(search.getText()) && !x.isHook()).findFirst().ifPresent(added);
            }
        });
        items.getStyleClass().add("palette-items");
        ScrollPane scroll = new ScrollPane(items);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("palette-scroll");
        VBox.setVgrow(scroll, Priority.ALWAYS);
        getChildren().addAll(title, search, scroll);
        fill("");
    }

    private void fill(String query) {
        items.getChildren().clear();
        String last = null;
        int shown = 0;
        for (PaletteEntry e : entries) {
            if (!e.matches(query)) {
                continue;
            }
            if (!e.category().equals(last)) {
                Label head = new Label(e.category());
                head.getStyleClass().add("palette-category");
                head.setMaxWidth(Double.MAX_VALUE);
                items.getChildren().add(head);
                last = e.category();
            }
            items.getChildren().add(item(e));
            shown++;
        }
        if (shown == 0) {
            Label none = new Label("Nothing matches “" + query + "”");
            none.getStyleClass().add("palette-none");
            items.getChildren().add(none);
        }
    }

    private Label item(PaletteEntry e) {
        Label l = new Label(e.label());
        l.setId("palette-" + e.id().replace(':', '-'));
        l.getStyleClass().addAll("palette-item", e.isHook() ? "palette-hook" : "palette-stage");
        l.setUserData(e);
        l.setMaxWidth(Double.MAX_VALUE);
        Tooltip t = new Tooltip(e.description());
        t.setShowDelay(Duration.millis(300));
        t.setWrapText(true);
        t.setMaxWidth(320);
        l.setTooltip(t);
        l.setOnDragDetected(ev -> {
            l.startFullDrag();
            ev.consume();
        });
        l.setOnMouseDragged(ev -> dragging.accept(e, new Point2D(ev.getSceneX(), ev.getSceneY())));
        l.setOnMouseReleased(ev -> dragEnded.run());
        l.setOnMouseClicked(ev -> {
            if (ev.getButton() == MouseButton.PRIMARY && ev.getClickCount() == 2 && !e.isHook()) {
                added.accept(e);
            }
        });
        return l;
    }

    TextField searchField() {
        return search;
    }

    List<Label> visibleItems() {
        return items.getChildren().stream().filter(n -> n.getStyleClass().contains("palette-item")).map(Label.class::cast).toList();
    }
}
