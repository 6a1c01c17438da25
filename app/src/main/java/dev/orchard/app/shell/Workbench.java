package dev.orchard.app.shell;

import dev.orchard.app.canvas.CanvasViewModel;
import dev.orchard.app.history.ExperimentsView;
import dev.orchard.app.history.ExperimentsViewModel;
import dev.orchard.app.support.Async;
import dev.orchard.app.support.Messages;
import dev.orchard.app.sweep.RunViewModel;
import dev.orchard.engine.experiment.Orchard;
import javafx.application.Platform;
import javafx.scene.image.Image;
import javafx.stage.Stage;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts the workbench together over one {@link Orchard}: the background executor, the event pump, the view-models and
 * the main view. The app and the UI tests build it the same way. It does not own (or close) the Orchard.
 */
public final class Workbench implements AutoCloseable {
    private final ExecutorService background;
    private final EventPump pump;
    private final Messages messages = new Messages();
    private final RunViewModel run;
    private final ExperimentsViewModel experiments;
    private final CanvasViewModel canvas;
    private final ShellViewModel shell;
    private final MainView view;

    /** Must be called on the FX thread. */
    public Workbench(Orchard orchard, FileDialogs dialogs, Theme theme) {
        AtomicInteger n = new AtomicInteger();
        background = Executors.newFixedThreadPool(3, r -> {
            Thread t = new Thread(r, "orchard-ui-background-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Async async = new Async(background, Platform::runLater);
        run = new RunViewModel(orchard, async, messages);
        experiments = new ExperimentsViewModel(orchard, async, messages);
        canvas = new CanvasViewModel(orchard, async, messages);
        shell = new ShellViewModel(orchard, async, messages, run, canvas, theme);
        pump = new EventPump(orchard.events(), Platform::runLater, EventPump.DEFAULT_FRAME);
        pump.addListener(run::onEvents);
        pump.addListener(experiments::onEvents);
        pump.addListener(canvas::onEvents);

        // Selecting an experiment shows it; whatever is on display (a new sweep too) is selected in the list.
        experiments.selectedIdProperty().addListener((o, a, id) -> {
            long eid = id.longValue();
            if (eid >= 0 && experiments.item(eid).map(i -> i.kind().equals("pipeline")).orElse(false)) {
                // a pipeline run is drawn on the canvas, with what its stages did
                if (eid != canvas.runIdProperty().get()) {
                    canvas.showExperiment(eid);
                }
                shell.pageProperty().set(ShellViewModel.Page.PIPELINE);
            } else if (eid >= 0 && eid != run.displayedIdProperty().get()) {
                run.show(eid);
                shell.pageProperty().set(ShellViewModel.Page.RUN);
            }
        });
        run.displayedIdProperty().addListener((o, a, id) -> experiments.selectedIdProperty().set(id.longValue()));
        view = new MainView(shell, run, canvas, new ExperimentsView(experiments), messages, dialogs);
        experiments.refresh();
    }

    /** Shows the main window on {@code stage}. */
    public void show(Stage stage) {
        show(stage, 1360, 860);
    }

    /** Shows the main window on {@code stage} with a scene of the given size. */
    public void show(Stage stage, double width, double height) {
        stage.setScene(view.scene(width, height));
        stage.titleProperty().bind(shell.titleProperty());
        for (int size : new int[] {32, 64, 256}) {
            var icon = Workbench.class.getResource("/dev/orchard/ui/icons/orchard-" + size + ".png");
            if (icon != null) {
                stage.getIcons().add(new Image(icon.toExternalForm()));
            }
        }
        stage.setMinWidth(900);
        stage.setMinHeight(560);
        stage.show();
    }

    public ShellViewModel shell() {
        return shell;
    }

    public RunViewModel run() {
        return run;
    }

    public CanvasViewModel canvas() {
        return canvas;
    }

    public ExperimentsViewModel experiments() {
        return experiments;
    }

    public MainView view() {
        return view;
    }

    public Messages messages() {
        return messages;
    }

    public EventPump pump() {
        return pump;
    }

    /** Stops delivering events and the background work (running sweeps go on; closing the Orchard stops them). */
    @Override
    public void close() {
        pump.close();
        background.shutdownNow();
    }
}
