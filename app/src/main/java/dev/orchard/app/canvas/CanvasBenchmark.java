package dev.orchard.app.canvas;

import dev.orchard.app.support.Async;
import dev.orchard.app.support.Messages;
import dev.orchard.engine.pipeline.DataType;
import dev.orchard.engine.pipeline.Port;
import dev.orchard.engine.pipeline.StageType;
import dev.orchard.engine.pipeline.StageTypes;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * {@code orchard bench canvas}: frame times of the canvas with a large drawing (200 stages, 300 connections by
 * default), measured with pulses running flat out ({@code javafx.animation.fullspeed}), so a frame's time is what it
 * costs, not the display's refresh. Phases: an empty canvas (the baseline), panning, dragging ten selected stages
 * (their connections follow), zooming, and opening the drawing. Needs a display (run it under Xvfb on a server).
 */
public final class CanvasBenchmark {
    private CanvasBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int stages = 200;
        int edges = 300;
        int frames = 240;
        String theme = "light";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--stages" -> stages = Integer.parseInt(args[++i]);
                case "--edges" -> edges = Integer.parseInt(args[++i]);
                case "--frames" -> frames = Integer.parseInt(args[++i]);
                case "--theme" -> theme = args[++i];
                case "--help", "-h" -> {
                    System.out.println("Usage: orchard bench canvas [--stages 200] [--edges 300] [--frames 240] [--theme light|dark]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
            }
        }
        if (System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null
                && System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            System.err.println("orchard bench canvas: no display; it measures real frames, so run it on a desktop or under "
                    + "Xvfb: xvfb-run -a ./orchard bench canvas");
            System.exit(2);
        }
        System.setProperty("javafx.animation.fullspeed", "true");
        System.setProperty("prism.vsync", "false");
        StageTypes.register(new JoinType());
        CanvasDoc doc = drawing(stages, edges, 7);
        int nFrames = frames;
        String css = theme;
        CompletableFuture<Void> done = new CompletableFuture<>();
        Platform.startup(() -> {
            try {
                run(doc, nFrames, css, done);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(10, TimeUnit.MINUTES);
        } finally {
            Platform.exit();
        }
    }

    private static void run(CanvasDoc doc, int frames, String theme, CompletableFuture<Void> done) {
        var background = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-background");
            t.setDaemon(true);
            return t;
        });
        // as in the workbench: checks in the background, results on the FX thread
        CanvasViewModel vm = new CanvasViewModel(null, new Async(background, Platform::runLater), new Messages());
        CanvasView view = new CanvasView(vm, () -> { }, () -> { });
        Stage stage = new Stage();
        Scene scene = new Scene((javafx.scene.Parent) view.root(), 1280, 800);
        scene.getStylesheets().setAll(dev.orchard.app.shell.Theme.valueOf(theme.toUpperCase(Locale.ROOT)).stylesheets());
        stage.setScene(scene);
        stage.show();
        CanvasPane pane = view.canvas();
        System.out.printf(Locale.ROOT, "canvas frame times, %d stages, %d connections, %d frames per phase (JavaFX %s, prism %s)%n",
                doc.graph().stages().size(), doc.graph().edges().size(), frames, System.getProperty("javafx.runtime.version"),
                com.sun.prism.GraphicsPipeline.getPipeline() == null ? "?" : com.sun.prism.GraphicsPipeline.getPipeline().getClass().getSimpleName());
        System.out.printf("%-28s %9s %9s %9s %9s %8s%n", "phase", "median ms", "p95 ms", "max ms", "fps", "÷ empty");
        List<Runnable> phases = new ArrayList<>();
        double[] baseline = new double[1];
        phases.add(() -> measure("empty canvas (baseline)", frames, i -> pane.zoomAt(640, 400, i % 2 == 0 ? 1.001 : 1 / 1.001), baseline, phases, done));
        phases.add(() -> {
            long t0 = System.nanoTime();
            vm.load(doc, java.util.Optional.empty(), true);
            long t1 = System.nanoTime();
            pane.applyCss();
            long t2 = System.nanoTime();
            pane.layout();
            long t3 = System.nanoTime();
            System.out.printf(Locale.ROOT, "%-28s %9.1f   (model to nodes %.0f, styles %.0f, layout %.0f)%n", "open (model to scene)",
                    (t3 - t0) / 1e6, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
            pane.zoomToFit(0.5);
            measure("pan", frames, i -> { }, baseline, phases, done, () -> pan(pane));
        });
        phases.add(() -> {
            List<String> ten = vm.editor().level().stages().stream().limit(10).map(CanvasNode::id).toList();
            vm.editor().select(Set.copyOf(ten), Set.of());
            vm.editor().beginGesture("move");
            measure("drag 10 stages", frames, i -> vm.editor().moveSelected(i % 40 < 20 ? 2 : -2, 1), baseline, phases, done);
        });
        phases.add(() -> {
            vm.editor().endGesture();
            measure("zoom", frames, i -> pane.zoomAt(640, 400, i % 40 < 20 ? 1.01 : 1 / 1.01), baseline, phases, done);
        });
        phases.add(() -> {
            vm.editor().selectAll();
            measure("select all (restyle)", Math.max(10, frames / 8), i -> {
                if (i % 2 == 0) {
                    vm.editor().clearSelection();
                } else {
                    vm.editor().selectAll();
                }
            }, baseline, phases, done);
        });
        phases.add(() -> done.complete(null));
        phases.remove(0).run();
    }

    private static void pan(CanvasPane pane) {
        // panning moves the world's translation, as a drag on empty space does
        pane.motion();
        var t = (javafx.scene.transform.Translate) pane.world().getTransforms().get(0);
        t.setX(t.getX() + (System.nanoTime() / 1_000_000 % 400 < 200 ? 3 : -3));
    }

    private static void measure(String name, int frames, IntConsumer step, double[] baseline, List<Runnable> next,
                                CompletableFuture<Void> done) {
        measure(name, frames, step, baseline, next, done, null);
    }

    private static void measure(String name, int frames, IntConsumer step, double[] baseline, List<Runnable> next,
                                CompletableFuture<Void> done, Runnable extra) {
        double[] times = new double[frames];
        new AnimationTimer() {
            private long last = -1;
            private int i = -5; // a few frames to settle

            @Override
            public void handle(long now) {
                if (last >= 0 && i >= 0) {
                    times[i] = (now - last) / 1e6;
                }
                last = now;
                i++;
                if (i >= frames) {
                    stop();
                    report(name, times, baseline);
                    Platform.runLater(() -> {
                        try {
                            next.remove(0).run();
                        } catch (RuntimeException e) {
                            done.completeExceptionally(e);
                        }
                    });
                    return;
                }
                step.accept(Math.max(0, i));
                if (extra != null) {
                    extra.run();
                }
            }
        }.start();
    }

    private static void report(String name, double[] times, double[] baseline) {
        double[] s = times.clone();
        Arrays.sort(s);
        double median = s[s.length / 2];
        double p95 = s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
        double max = s[s.length - 1];
        if (baseline[0] == 0) {
            baseline[0] = median;
        }
        System.out.printf(Locale.ROOT, "%-28s %9.2f %9.2f %9.2f %9.0f %7.2fx%n", name, median, p95, max, 1000 / median, median / baseline[0]);
    }

    /** A layered drawing: {@code stages} join stages in columns, {@code edges} connections from a column to a later one. */
    static CanvasDoc drawing(int stages, int edges, long seed) {
        Random r = new Random(seed);
        int columns = Math.max(2, (int) Math.round(Math.sqrt(stages / 2.0)));
        int perColumn = (int) Math.ceil(stages / (double) columns);
        List<CanvasNode> nodes = new ArrayList<>();
        nodes.add(CanvasNode.terminal(CanvasNode.INPUT, -300, 0));
        List<List<CanvasNode>> cols = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            cols.add(new ArrayList<>());
        }
        for (int i = 0; i < stages; i++) {
            int c = i / perColumn;
            CanvasNode n = CanvasNode.stage(Ids.node(), "s" + i, JoinType.NAME, Map.of(), c * 300.0, (i % perColumn) * 150.0);
            nodes.add(n);
            cols.get(c).add(n);
        }
        nodes.add(CanvasNode.terminal(CanvasNode.OUTPUT, columns * 300.0, 0));
        List<CanvasEdge> es = new ArrayList<>();
        java.util.Map<String, Integer> used = new java.util.HashMap<>();
        int guard = 0;
        while (es.size() < edges && guard++ < edges * 50) {
            int c = r.nextInt(columns - 1);
            List<CanvasNode> from = cols.get(c);
            List<CanvasNode> to = cols.get(c + 1 + r.nextInt(Math.min(2, columns - 1 - c)));
            if (from.isEmpty() || to.isEmpty()) {
                continue;
            }
            CanvasNode a = from.get(r.nextInt(from.size()));
            CanvasNode b = to.get(r.nextInt(to.size()));
            int k = used.merge(b.id(), 1, Integer::sum);
            if (k > 3) {
                continue;
            }
            es.add(CanvasEdge.of(Ids.edge(), a.id(), "out", b.id(), "in" + k));
        }
        CanvasDoc blank = CanvasIO.blank("bench-" + stages);
        return blank.withGraph(new CanvasGraph(nodes, es));
    }

    /** A stage type with three inputs, so a large drawing's connections are all valid. */
    static final class JoinType implements StageType {
        static final String NAME = "bench_join";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String category() {
            return "sub-experiments";
        }

        @Override
        public String description() {
            return "joins up to three inputs (a benchmark stage)";
        }

        @Override
        public List<Port> inputs() {
            return List.of(Port.optional("in1", DataType.ANY, ""), Port.optional("in2", DataType.ANY, ""), Port.optional("in3", DataType.ANY, ""));
        }

        @Override
        public List<Port> outputs() {
            return List.of(Port.of("out", DataType.ANY));
        }

        @Override
        public List<dev.orchard.engine.pipeline.ConfigField> config() {
            return List.of();
        }

        @Override
        public dev.orchard.engine.pipeline.Stage create(Map<String, Object> config, dev.orchard.engine.pipeline.StageEnvironment env) {
            return (inputs, ctx) -> Map.of("out", inputs.size());
        }
    }
}
