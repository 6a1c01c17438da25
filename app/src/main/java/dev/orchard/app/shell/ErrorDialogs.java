package dev.orchard.app.shell;

import dev.orchard.engine.store.StoreLockedException;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.layout.Region;

import java.nio.file.Path;

/** Dialogs for errors a user can act on, instead of stack traces. */
public final class ErrorDialogs {
    private ErrorDialogs() {
    }

    /** The history database could not be opened (another process holds it, it is damaged, ...). */
    public static Alert databaseFailure(Throwable error, Path database) {
        Alert a = new Alert(Alert.AlertType.ERROR);
        a.setTitle("Orchard");
        String text;
        if (error instanceof StoreLockedException) {
            a.setHeaderText("The history database is in use by another Orchard process");
            text = "Orchard cannot open\n" + database.toAbsolutePath() + "\nbecause another Orchard workbench or command "
                    + "has it open.\n\nClose the other one and start again, or start the workbench with --db PATH to use "
                    + "another database.";
        } else {
            a.setHeaderText("Orchard cannot open its history database");
            text = (error.getMessage() == null ? error.toString() : error.getMessage())
                    + "\n\nStart the workbench with --db PATH to use another database.";
        }
        Label content = new Label(text);
        content.setId("errorText");
        content.setWrapText(true);
        content.setMaxWidth(520);
        a.getDialogPane().setContent(content);
        a.getDialogPane().setMinHeight(Region.USE_PREF_SIZE);
        return a;
    }

    /** Any other error worth a dialog (a spec that does not read, an export that failed). */
    public static Alert error(String header, String text) {
        Alert a = new Alert(Alert.AlertType.ERROR);
        a.setTitle("Orchard");
        a.setHeaderText(header);
        Label content = new Label(text);
        content.setId("errorText");
        content.setWrapText(true);
        content.setMaxWidth(560);
        a.getDialogPane().setContent(content);
        a.getDialogPane().setMinHeight(Region.USE_PREF_SIZE);
        return a;
    }
}
