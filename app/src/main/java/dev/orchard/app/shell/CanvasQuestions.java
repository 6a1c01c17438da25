package dev.orchard.app.shell;

import dev.orchard.app.canvas.CanvasViewModel;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.TextArea;
import javafx.stage.Window;

import java.util.List;
import java.util.function.Supplier;

/** The canvas's questions as dialogs: consent before an opened pipeline's commands run, and discarding changes. */
final class CanvasQuestions implements CanvasViewModel.Questions {
    private final Supplier<Window> owner;
    private final Supplier<Theme> theme;

    CanvasQuestions(Supplier<Window> owner, Supplier<Theme> theme) {
        this.owner = owner;
        this.theme = theme;
    }

    @Override
    public boolean allowCommands(String pipeline, List<String> commands) {
        ButtonType run = new ButtonType("Run these commands", ButtonBar.ButtonData.OK_DONE);
        Alert a = new Alert(Alert.AlertType.WARNING, "", run, ButtonType.CANCEL);
        a.setTitle("Allow commands?");
        a.setHeaderText("“" + pipeline + "” was opened from a file and runs " + commands.size() + " command"
                + (commands.size() == 1 ? "" : "s") + " on this machine. Run only what you trust.");
        TextArea list = new TextArea(String.join("\n", commands));
        list.setEditable(false);
        list.setWrapText(true);
        list.setPrefRowCount(Math.min(8, commands.size() + 1));
        list.setId("consentCommands");
        a.getDialogPane().setContent(list);
        return ask(a).filter(b -> b == run).isPresent();
    }

    @Override
    public boolean discardChanges(String pipeline) {
        ButtonType discard = new ButtonType("Discard changes", ButtonBar.ButtonData.OK_DONE);
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, "The pipeline “" + pipeline + "” has changes that are not saved.",
                discard, ButtonType.CANCEL);
        a.setTitle("Unsaved changes");
        a.setHeaderText("Discard the unsaved changes?");
        return ask(a).filter(b -> b == discard).isPresent();
    }

    private java.util.Optional<ButtonType> ask(Alert a) {
        a.getDialogPane().getStylesheets().setAll(theme.get().stylesheets());
        if (owner.get() != null) {
            a.initOwner(owner.get());
        }
        return a.showAndWait();
    }
}
