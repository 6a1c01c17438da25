package dev.orchard.app.canvas;

import dev.orchard.engine.optimize.Optimizers;
import dev.orchard.engine.pipeline.Port;
import dev.orchard.engine.pipeline.StageType;
import dev.orchard.engine.pipeline.StageTypes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the palette offers, grouped as users think of it. Every stage type of the registry (plug-ins too) appears under
 * its own category; presets add the common ways to configure them (a sweep with each optimizer, each scheduler, a
 * command trainer, a curriculum over tasks), and the hooks are dropped onto connections.
 */
public final class Palette {
    public static final List<String> CATEGORIES = List.of("Optimizers", "Schedulers", "Objectives / trainers", "Curricula",
            "Predictors", "Loops", "Sub-experiments", "Hooks");

    private static final Map<String, String> OPTIMIZER_LABELS = Map.of("random", "Random search", "sobol", "Sobol", "tpe", "TPE",
            "gp", "GP-BO", "cmaes", "CMA-ES", "evolution", "Evolution", "grid", "Grid", "protein", "Cost-aware BO",
            "auto", "Auto");

    private Palette() {
    }

    public static List<PaletteEntry> entries() {
        var out = new ArrayList<PaletteEntry>();
        for (StageType t : StageTypes.all().values()) {
            out.add(new PaletteEntry("type:" + t.name(), category(t.category()), title(t.name()), t.name(), Map.of(), null,
                    t.description(), null));
        }
        for (String o : Optimizers.available().keySet()) {
            if (o.equals("auto")) {
                continue;
            }
            out.add(new PaletteEntry("optimizer:" + o, "Optimizers", OPTIMIZER_LABELS.getOrDefault(o, o), "sweep",
                    Map.of("optimizer", Map.of("name", o)), null, "a sweep whose optimizer is " + o, null));
        }
        out.add(sched("asha", "ASHA", Map.of("type", "asha", "max_steps", 27), "asynchronous successive halving: stops poor trials early"));
        out.add(sched("hyperband", "Hyperband", Map.of("type", "hyperband", "max_steps", 27), "brackets of successive halving"));
        out.add(sched("median", "Median stopping", Map.of("type", "median"), "stops a trial below the median of the others at the same step"));
        out.add(sched("pbt", "PBT", Map.of("type", "pbt", "population", 8, "generations", 5), "population-based training"));
        out.add(sched("sync_batch", "Synchronous batches", Map.of("type", "sync_batch"), "trials in batches, each batch waits for the last"));
        out.add(new PaletteEntry("objective:command", "Objectives / trainers", "Command trainer", "sweep",
                Map.of("objective", Map.of("type", "command", "command", List.of("python3", "train.py"))), null,
                "each trial runs a training script (JSON lines on stdout); edit the command in the inspector", null));
        out.add(new PaletteEntry("objective:builtin", "Objectives / trainers", "Test function", "sweep",
                Map.of("objective", Map.of("type", "builtin", "function", "branin")), null, "a built-in test function (branin)", null));
        out.add(new PaletteEntry("curriculum:tasks", "Curricula", "Sweep per task", "loop",
                Map.of("for_each", "task", "values", List.of("easy", "medium", "hard")), curriculumBody(),
                "a loop over tasks from easy to hard; the sweep inside gets the task as a fixed parameter, warm-started from the task before", null));
        out.add(new PaletteEntry("predict:stopping", "Predictors", "Predictive stopping", "sweep",
                Map.of("scheduler", Map.of("type", "predictive")), null,
                "stops a trial whose predicted curve cannot beat the best so far", null));
        out.add(new PaletteEntry("loop:times", "Loops", "Repeat", "loop", Map.of("times", 3), null,
                "runs its body a number of times, each iteration fed the last one's output", null));
        out.add(new PaletteEntry("loop:for_each", "Loops", "For each value", "loop",
                Map.of("for_each", "value", "values", List.of(1, 2, 3)), null, "runs its body once per value (a pipeline variable)", null));
        out.add(new PaletteEntry("group", "Sub-experiments", "Sub-experiment (group)", "group", Map.of(), null,
                "stages run together as one node; open it to edit the inside", null));
        for (String h : List.of("checkpoint", "cache", "retry", "timeout", "profile", "skip_on_error")) {
            out.add(new PaletteEntry("hook:" + h, "Hooks", h.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + h.substring(1).replace('_', ' '), "", Map.of(), null, HOOK_HELP.get(h), h));
        }
        out.sort(java.util.Comparator.comparingInt((PaletteEntry e) -> CATEGORIES.indexOf(e.category())).thenComparing(PaletteEntry::label));
        return out;
    }

    private static final Map<String, String> HOOK_HELP = Map.of(
            "checkpoint", "drop on a connection: what passes is stored, so a resumed run starts after it",
            "cache", "drop on a connection: the stage before is not rerun for the same input",
            "retry", "drop on a connection: the stage before is retried twice when it fails",
            "timeout", "drop on a connection: the stage before fails after an hour",
            "profile", "drop on a connection: time and memory of the stage before are reported",
            "skip_on_error", "drop on a connection: a failure of the stage before skips what depends on it instead of failing the run");

    private static PaletteEntry sched(String id, String label, Map<String, Object> spec, String help) {
        return new PaletteEntry("scheduler:" + id, "Schedulers", label, "sweep", Map.of("scheduler", spec), null, help, null);
    }

    private static CanvasGraph curriculumBody() {
        var in = CanvasNode.terminal(CanvasNode.INPUT, 0, 0);
        var sweep = CanvasNode.stage("sweep", "train", "sweep", new LinkedHashMap<>(Map.of("vars_as_params", List.of("task"))), 0, 0);
        var out = CanvasNode.terminal(CanvasNode.OUTPUT, 0, 0);
        return AutoLayout.layout(new CanvasGraph(List.of(in, sweep, out), List.of(
                CanvasEdge.of("in", CanvasNode.INPUT, Port.OUT, "sweep", "warm_start"),
                CanvasEdge.of("out", "sweep", "result", CanvasNode.OUTPUT, Port.IN))));
    }

    private static String category(String registryCategory) {
        return switch (registryCategory.toLowerCase(java.util.Locale.ROOT)) {
            case "optimizers" -> "Optimizers";
            case "schedulers" -> "Schedulers";
            case "objectives", "trainers", "objectives / trainers" -> "Objectives / trainers";
            case "curricula" -> "Curricula";
            case "predictors" -> "Predictors";
            case "loops" -> "Loops";
            case "hooks" -> "Hooks";
            default -> "Sub-experiments";
        };
    }

    private static String title(String name) {
        String s = name.replace('_', ' ');
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

}
