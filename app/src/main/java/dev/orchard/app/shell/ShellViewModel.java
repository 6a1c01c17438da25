package dev.orchard.app.shell;

import dev.orchard.app.canvas.CanvasViewModel;
import dev.orchard.app.support.Async;
import dev.orchard.app.support.Messages;
import dev.orchard.app.sweep.LoadedSpec;
import dev.orchard.app.sweep.RunViewModel;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.json.InputFiles;
import dev.orchard.engine.json.RefusedInputException;
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
    /** The page on display: the run view or the pipeline canvas. */
    public enum Page { RUN, PIPELINE }

    private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(this, "theme", Theme.LIGHT);
    private final ObjectProperty<Page> page = new SimpleObjectProperty<>(this, "page", Page.RUN);
    private final CanvasViewModel canvas;
    private final StringBinding title;
    private Path lastFolder;

    public ShellViewModel(Orchard orchard, Async async, Messages messages, RunViewModel run, CanvasViewModel canvas, Theme theme) {
        this.orchard = orchard;
        this.canvas = canvas;
        this.async = async;
        this.messages = messages;
        this.run = run;
        this.theme.set(theme);
        this.title = Bindings.createStringBinding(() -> page.get() == Page.PIPELINE
                        ? "Orchard — " + canvas.editor().doc().name() + (canvas.dirtyProperty().get() ? " •" : "")
                        : run.loaded().map(l -> "Orchard — " + l.spec().name()).orElse("Orchard"),
                run.loadedProperty(), page, canvas.versionProperty(), canvas.dirtyProperty());
    }

    /**
     * Opens an experiment file where it belongs: a pipeline (it has {@code "pipeline"}) in the canvas, anything else
     * in the run view. Completes with the page it went to.
     */
    public CompletableFuture<Page> open(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        lastFolder = abs.getParent();
        CompletableFuture<Page> done = new CompletableFuture<>();
        async.run(() -> isPipeline(abs), pipeline -> {
            if (pipeline) {
                page.set(Page.PIPELINE);
                canvas.open(abs).whenComplete((d, e) -> done.complete(Page.PIPELINE));
            } else {
                page.set(Page.RUN);
                openSpec(abs).whenComplete((l, e) -> done.complete(Page.RUN));
            }
        }, e -> {
            messages.error("Cannot open " + abs + ":\n" + Messages.describe(e));
            done.complete(page.get());
        });
        return done;
    }

    private static boolean isPipeline(Path file) throws java.io.IOException {
        String text;
        try {
            text = InputFiles.readString(file, dev.orchard.app.canvas.CanvasIO.MAX_BYTES);
        } catch (RefusedInputException | java.nio.charset.CharacterCodingException e) {
            return false; // not a regular file, too large or not UTF-8: the run view's reader says what is wrong with it
        }
        try {
            var tree = Specs.tree(text, file.getFileName().toString());
            return tree.isObject() && tree.has("pipeline");
        } catch (RuntimeException e) {
            // not JSON: the canvas's reader says where
            return text.contains("\"pipeline\"");
        }
    }

    public ObjectProperty<Page> pageProperty() {
        return page;
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
