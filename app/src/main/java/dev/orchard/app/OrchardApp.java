package dev.orchard.app;

import dev.orchard.app.shell.ErrorDialogs;
import dev.orchard.app.shell.FileDialogs;
import dev.orchard.app.shell.Workbench;
import dev.orchard.engine.experiment.Orchard;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The workbench application. The database is opened in {@link #init()} (off the FX thread); if that fails — most
 * often because another Orchard process holds it — the user gets a dialog that says so, not a stack trace.
 */
public class OrchardApp extends Application {
    private static final Logger LOG = LoggerFactory.getLogger(OrchardApp.class);

    private LaunchOptions options;
    private Path database;
    private Orchard orchard;
    private Throwable openFailure;
    private volatile Workbench workbench;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public void init() {
        options = LaunchOptions.parse(getParameters().getRaw());
        database = options.databaseOrDefault();
        try {
            orchard = Orchard.open(database);
            // Closed by stop(); also on SIGTERM / logout, so what running sweeps published is stored.
            Runtime.getRuntime().addShutdownHook(new Thread(this::closeOnce, "orchard-workbench-shutdown"));
        } catch (RuntimeException e) {
            LOG.debug("cannot open {}", database, e);
            openFailure = e;
        }
    }

    @Override
    public void start(Stage stage) {
        if (openFailure != null) {
            var alert = ErrorDialogs.databaseFailure(openFailure, database);
            alert.getDialogPane().getStylesheets().setAll(options.theme().stylesheets());
            alert.showAndWait();
            Platform.exit();
            return;
        }
        workbench = new Workbench(orchard, FileDialogs.fx(), options.theme());
        workbench.show(stage);
        Optional<Path> spec = options.specToOpen(Optional.ofNullable(System.getProperty("orchard.home")), Path.of(""));
        if (spec.isPresent()) {
            var opened = workbench.shell().open(spec.get());
            if (options.autostart()) {
                opened.thenAccept(page -> {
                    if (page == dev.orchard.app.shell.ShellViewModel.Page.PIPELINE) {
                        workbench.canvas().run();
                    } else {
                        workbench.run().start();
                    }
                });
            }
        } else {
            workbench.messages().info("Open an experiment spec with File ▸ Open spec… (Ctrl+O)");
        }
    }

    @Override
    public void stop() {
        closeOnce();
    }

    private void closeOnce() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (workbench != null) {
            workbench.close();
        }
        if (orchard != null) {
            orchard.close(); // stops running sweeps and stores what they published
        }
    }
}
