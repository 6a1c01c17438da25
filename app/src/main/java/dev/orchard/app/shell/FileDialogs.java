package dev.orchard.app.shell;

import javafx.stage.Window;

import java.nio.file.Path;
import java.util.Optional;

/** Asks the user for files. The workbench uses {@link #fx()}; UI tests inject answers without dialogs. */
public interface FileDialogs {

    /** A spec file to open, or empty if the user cancelled. */
    Optional<Path> chooseSpec(Window owner, Optional<Path> initialFolder);

    /** Where to write an export, or empty if the user cancelled. */
    Optional<Path> chooseExportFile(Window owner, String suggestedName, Optional<Path> initialFolder);

    /** Native file choosers. */
    static FileDialogs fx() {
        return new FileDialogs() {
            @Override
            public Optional<Path> chooseSpec(Window owner, Optional<Path> initialFolder) {
                javafx.stage.FileChooser fc = new javafx.stage.FileChooser();
                fc.setTitle("Open experiment spec");
                fc.getExtensionFilters().addAll(new javafx.stage.FileChooser.ExtensionFilter("Experiment specs (*.json)", "*.json"),
                        new javafx.stage.FileChooser.ExtensionFilter("All files", "*"));
                initialFolder.filter(p -> p.toFile().isDirectory()).ifPresent(p -> fc.setInitialDirectory(p.toFile()));
                return Optional.ofNullable(fc.showOpenDialog(owner)).map(java.io.File::toPath);
            }

            @Override
            public Optional<Path> chooseExportFile(Window owner, String suggestedName, Optional<Path> initialFolder) {
                javafx.stage.FileChooser fc = new javafx.stage.FileChooser();
                fc.setTitle("Export experiment as JSON");
                fc.setInitialFileName(suggestedName);
                fc.getExtensionFilters().add(new javafx.stage.FileChooser.ExtensionFilter("Orchard export (*.json)", "*.json"));
                initialFolder.filter(p -> p.toFile().isDirectory()).ifPresent(p -> fc.setInitialDirectory(p.toFile()));
                return Optional.ofNullable(fc.showSaveDialog(owner)).map(java.io.File::toPath);
            }
        };
    }

    /** Fixed answers, for tests: the given spec and export file (either may be empty = "cancelled"). */
    static FileDialogs fixed(Optional<Path> spec, java.util.function.Supplier<Optional<Path>> export) {
        return new FileDialogs() {
            @Override
            public Optional<Path> chooseSpec(Window owner, Optional<Path> initialFolder) {
                return spec;
            }

            @Override
            public Optional<Path> chooseExportFile(Window owner, String suggestedName, Optional<Path> initialFolder) {
                return export.get();
            }
        };
    }
}
