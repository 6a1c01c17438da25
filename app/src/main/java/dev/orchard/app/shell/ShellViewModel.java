package dev.orchard.app.shell;

import dev.orchard.app.support.Async;
import dev.orchard.app.support.Messages;
import dev.orchard.app.sweep.LoadedSpec;
import dev.orchard.app.sweep.RunViewModel;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.json.Specs;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The main window's state: theme, title, the database in use, opening specs and where file dialogs start. */
public final class ShellViewModel {
    private final Orchard orchard;
    private final Async async;
    private final Messages messages;
    private final RunViewModel run;
    private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(this, "theme", Theme.LIGHT);
    private final StringBinding title;
    private Path lastFolder;

    public ShellViewModel(Orchard orchard, Async async, Messages messages, RunViewModel run, Theme theme) {
        this.orchard = orchard;
        this.async = async;
        this.messages = messages;
        this.run = run;
        this.theme.set(theme);
        this.title = Bindings.createStringBinding(() -> run.loaded().map(l -> "Orchard — " + l.spec().name()).orElse("Orchard"),
                run.loadedProperty());
    }

    /** Reads and checks a spec file off the UI thread, then loads it ready to run. */
    public CompletableFuture<LoadedSpec> openSpec(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        lastFolder = abs.getParent();
        return async.run(() -> LoadedSpec.fromFile(Specs.read(abs), abs), l -> {
            run.load(l);
            messages.info("Loaded " + abs.getFileName() + " — press Start to run " + l.spec().name());
        }, e -> messages.error("Cannot open " + abs + ":\n" + Messages.describe(e)));
    }

    public ObjectProperty<Theme> themeProperty() {
        return theme;
    }

    public void setTheme(Theme t) {
        theme.set(t);
    }

    public StringBinding titleProperty() {
        return title;
    }

    /** The database file in use, for the status bar. */
    public String databaseText() {
        return orchard.database().toAbsolutePath().toString();
    }

    /** Where a file dialog starts: the folder of the last spec opened. */
    public Optional<Path> lastFolder() {
        return Optional.ofNullable(lastFolder);
    }
}
