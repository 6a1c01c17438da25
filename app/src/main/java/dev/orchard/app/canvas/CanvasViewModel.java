package dev.orchard.app.canvas;

import dev.orchard.app.support.Async;
import dev.orchard.app.support.Messages;
import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.experiment.PipelineExperiment;
import dev.orchard.engine.json.InputFiles;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.trial.ExperimentStatus;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableMap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The canvas's state for its views: the editor (the model, plain Java), its problems (checked in the background after
 * every edit, exactly as {@code orchard run} would), the file, and the run on display with each stage's state and
 * progress from the engine's events. Views only bind to it and call it.
 */
public final class CanvasViewModel {
    /** Questions only the user can answer; the view asks them in dialogs, tests answer them directly. */
    public interface Questions {
        /** An opened pipeline would run these commands: may it? */
        boolean allowCommands(String pipeline, List<String> commands);

        /** The drawing has unsaved changes: drop them? */
        boolean discardChanges(String pipeline);
    }

    private final Orchard orchard;
    private final Async async;
    private final Messages messages;
    private final CanvasEditor editor = new CanvasEditor(CanvasIO.blank("untitled-pipeline"));
    private final LongProperty version = new SimpleLongProperty(this, "version");
    private final ObjectProperty<CanvasProblems> problems = new SimpleObjectProperty<>(this, "problems", CanvasProblems.NONE);
    private final ObjectProperty<Path> file = new SimpleObjectProperty<>(this, "file");
    private final BooleanProperty dirty = new SimpleBooleanProperty(this, "dirty");
    private final BooleanProperty canUndo = new SimpleBooleanProperty(this, "canUndo");
    private final BooleanProperty canRedo = new SimpleBooleanProperty(this, "canRedo");
    private final BooleanProperty hasSelection = new SimpleBooleanProperty(this, "hasSelection");
    private final BooleanProperty canPaste = new SimpleBooleanProperty(this, "canPaste");
    private final BooleanProperty insideBlock = new SimpleBooleanProperty(this, "insideBlock");
    private final StringProperty hint = new SimpleStringProperty(this, "hint", "");
    private final IntegerProperty fitRequests = new SimpleIntegerProperty(this, "fitRequests");
    private final ObservableMap<String, StageState> states = FXCollections.observableHashMap();
    private final ObjectProperty<ExperimentStatus> runStatus = new SimpleObjectProperty<>(this, "runStatus");
    private final LongProperty runId = new SimpleLongProperty(this, "runId", -1);
    private final BooleanProperty starting = new SimpleBooleanProperty(this, "starting");
    private final Map<Long, String> childStage = new HashMap<>();
    private final Map<Long, int[]> childProgress = new HashMap<>();
    private final BooleanBinding canRun;
    private final BooleanBinding canPause;
    private final BooleanBinding canResume;
    private final BooleanBinding canStop;
    private Questions questions = new Questions() {
        @Override
        public boolean allowCommands(String pipeline, List<String> commands) {
            return false;
        }

        @Override
        public boolean discardChanges(String pipeline) {
            return true;
        }
    };
    private Path baseDir = Path.of("").toAbsolutePath();
    private PipelineExperiment running;
    private boolean trusted = true;
    private boolean validating;
    private boolean validateAgain;
    private long validated = -1;

    public CanvasViewModel(Orchard orchard, Async async, Messages messages) {
        this.orchard = orchard;
        this.async = async;
        this.messages = messages;
        editor.addListener(this::changed);
        canRun = Bindings.createBooleanBinding(() -> !starting.get() && (runStatus.get() == null || runStatus.get().finished()
                || runStatus.get() == ExperimentStatus.STOPPED), starting, runStatus);
        canPause = Bindings.createBooleanBinding(() -> runStatus.get() == ExperimentStatus.RUNNING, runStatus);
        canResume = Bindings.createBooleanBinding(() -> runStatus.get() == ExperimentStatus.PAUSED
                || runStatus.get() == ExperimentStatus.INTERRUPTED && running == null, runStatus);
        canStop = Bindings.createBooleanBinding(() -> runStatus.get() == ExperimentStatus.RUNNING || runStatus.get() == ExperimentStatus.PAUSED,
                runStatus);
        changed();
    }

    public void setQuestions(Questions q) {
        questions = q;
    }

    private void changed() {
        version.set(editor.version());
        dirty.set(editor.dirty());
        canUndo.set(editor.canUndo());
        canRedo.set(editor.canRedo());
        hasSelection.set(!editor.selectedNodes().isEmpty() || !editor.selectedEdges().isEmpty());
        canPaste.set(editor.canPaste());
        insideBlock.set(!editor.openBlocks().isEmpty());
        if (editor.structureVersion() != validated) {
            validate(); // moves alone change nothing the checks look at
        }
    }

    // ---- validation, in the background, one at a time, always of the latest drawing ----

    private void validate() {
        if (validating) {
            validateAgain = true;
            return;
        }
        validating = true;
        CanvasDoc doc = editor.doc();
        validated = editor.structureVersion();
        Optional<Path> base = Optional.of(baseDir);
        async.run(() -> CanvasValidator.validate(doc, base), p -> {
            problems.set(p);
            validationDone();
        }, e -> {
            problems.set(new CanvasProblems(Map.of(), Map.of(), List.of("the check failed: " + Messages.describe(e))));
            validationDone();
        });
    }

    private void validationDone() {
        validating = false;
        if (validateAgain || editor.structureVersion() != validated) {
            validateAgain = false;
            validate();
        }
    }

    // ---- documents ----

    /** A new, empty pipeline (asks first if the drawing has unsaved changes). */
    public boolean newPipeline() {
        if (editor.dirty() && !questions.discardChanges(editor.doc().name())) {
            return false;
        }
        load(CanvasIO.blank("untitled-pipeline"), Optional.empty(), true);
        return true;
    }

    /** Opens an experiment JSON file in the background; what cannot be read is marked, never dropped. */
    public CompletableFuture<CanvasDoc> open(Path f) {
        if (editor.dirty() && !questions.discardChanges(editor.doc().name())) {
            return CompletableFuture.completedFuture(editor.doc());
        }
        Path abs = f.toAbsolutePath().normalize();
        return async.run(() -> CanvasIO.read(InputFiles.readString(abs, CanvasIO.MAX_BYTES), abs.getFileName().toString()), doc -> {
            load(doc, Optional.of(abs), CommandConsent.commands(doc).isEmpty());
            int stages = doc.graph().stageCount();
            messages.info("Opened " + abs.getFileName() + " in the pipeline canvas: " + stages + " stage" + (stages == 1 ? "" : "s")
                    + (doc.notes().isEmpty() ? "" : " — " + doc.notes().size() + " part" + (doc.notes().size() == 1 ? "" : "s")
                    + " could not be read; see Problems"));
        }, e -> messages.error("Cannot open " + abs + ":\n" + Messages.describe(e)));
    }

    /** Shows a document; {@code trusted} says whether its commands may run without asking (false for opened files). */
    public void load(CanvasDoc doc, Optional<Path> from, boolean trusted) {
        this.trusted = trusted;
        file.set(from.orElse(null));
        baseDir = from.map(Path::getParent).orElse(Path.of("").toAbsolutePath());
        validated = -1;
        clearRun();
        editor.load(doc);
        fitRequests.set(fitRequests.get() + 1);
    }

    /** Saves to the file it came from (or asks the view for one: returns false). */
    public boolean save() {
        if (file.get() == null) {
            return false;
        }
        saveTo(file.get());
        return true;
    }

    /** Saves as {@code f}, which becomes the document's file. */
    public CompletableFuture<Path> saveTo(Path f) {
        return write(f, true);
    }

    /** Writes the experiment JSON to {@code f} without making it the document's file. */
    public CompletableFuture<Path> export(Path f) {
        return write(f, false);
    }

    private CompletableFuture<Path> write(Path f, boolean becomesFile) {
        CanvasDoc doc = editor.doc();
        Path abs = f.toAbsolutePath().normalize();
        if (doc.truncated()) {
            messages.error("Cannot save " + doc.name() + ":\nthe file had more stages than the canvas shows, and saving would lose them");
            return CompletableFuture.failedFuture(new IllegalStateException("truncated"));
        }
        String text = CanvasIO.toText(doc);
        return async.run(() -> {
            Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return abs;
        }, p -> {
            if (becomesFile) {
                file.set(p);
                baseDir = p.getParent();
                if (editor.doc() == doc) {
                    editor.markSaved();
                }
            }
            messages.info((becomesFile ? "Saved " : "Exported ") + p + " — run it with: orchard run " + p);
        }, e -> messages.error("Cannot write " + abs + ":\n" + Messages.describe(e)));
    }

    // ---- running ----

    /** Checks the drawing, asks before an opened file's commands run, then runs it as a pipeline experiment. */
    public CompletableFuture<Long> run() {
        CompletableFuture<Long> result = new CompletableFuture<>();
        if (!canRun.get()) {
            result.complete(-1L);
            return result;
        }
        CanvasDoc doc = editor.doc();
        Path base = baseDir;
        starting.set(true);
        async.run(() -> {
            CanvasProblems p = CanvasValidator.validate(doc, Optional.of(base));
            if (!p.isEmpty()) {
                List<String> all = p.all(this::nodeName);
                throw new IllegalStateException(all.size() + " problem" + (all.size() == 1 ? "" : "s") + " to fix first:\n"
                        + String.join("\n", all.subList(0, Math.min(12, all.size()))));
            }
            return Specs.parse(CanvasIO.toText(doc), doc.name());
        }, spec -> start(doc, spec, base, result), e -> {
            starting.set(false);
            messages.error("Cannot run " + doc.name() + ":\n" + Messages.describe(e));
            result.complete(-1L);
        });
        return result;
    }

    private void start(CanvasDoc doc, ExperimentSpec spec, Path base, CompletableFuture<Long> result) {
        List<String> commands = CommandConsent.commands(doc);
        if (!trusted && !commands.isEmpty()) {
            if (!questions.allowCommands(doc.name(), commands)) {
                starting.set(false);
                messages.info("Not run: the commands of " + doc.name() + " were not allowed");
                result.complete(-1L);
                return;
            }
            trusted = true;
        }
        clearRun();
        async.run(() -> orchard.startPipeline(spec, base), pe -> {
            running = pe;
            starting.set(false);
            runId.set(pe.experimentId());
            if (runStatus.get() == null) {
                runStatus.set(pe.status() == ExperimentStatus.CREATED ? ExperimentStatus.RUNNING : pe.status());
            }
            messages.info("Running " + doc.name() + " as experiment " + pe.experimentId());
            result.complete(pe.experimentId());
        }, e -> {
            starting.set(false);
            messages.error("Cannot run " + doc.name() + ":\n" + Messages.describe(e));
            result.complete(-1L);
        });
    }

    private void clearRun() {
        states.clear();
        childStage.clear();
        childProgress.clear();
        if (running == null || running.status().finished() || running.status() == ExperimentStatus.STOPPED) {
            runStatus.set(null);
            runId.set(-1);
            running = null;
        }
    }

    /**
     * Draws a stored pipeline experiment (a past or interrupted run) with what each stage did, read from its child
     * experiments; an interrupted or paused one can be resumed from here.
     */
    public CompletableFuture<Long> showExperiment(long id) {
        if (editor.dirty() && !questions.discardChanges(editor.doc().name())) {
            return CompletableFuture.completedFuture(-1L);
        }
        return async.run(() -> {
            var rec = orchard.experiment(id).orElseThrow(() -> new IllegalArgumentException("no experiment #" + id));
            if (!rec.kind().equals("pipeline")) {
                throw new IllegalArgumentException("experiment #" + id + " is a " + rec.kind() + ", not a pipeline");
            }
            return new Stored(rec, CanvasIO.read(rec.specJson(), "experiment #" + id), orchard.children(id));
        }, r -> {
            var rec = r.experiment();
            // it ran from this machine's history: its commands were allowed when it was started
            load(r.doc(), Optional.empty(), true);
            baseDir = rec.baseDir().map(Path::of).orElse(baseDir);
            runId.set(id);
            runStatus.set(rec.status());
            running = orchard.activePipelines().stream().filter(p -> p.experimentId() == id).findFirst().orElse(null);
            for (var c : r.children()) {
                // a loop's iterations are children named "loop/stage[var=2]": the stage shows its last one
                states.put(c.name().replaceAll("\\[[^\\]]*]", ""), switch (c.status()) {
                    case COMPLETED -> new StageState(StageState.Kind.DONE, 1, "");
                    case FAILED -> new StageState(StageState.Kind.FAILED, -1, c.message().orElse(""));
                    case STOPPED -> new StageState(StageState.Kind.SKIPPED, -1, "stopped");
                    default -> new StageState(StageState.Kind.RUNNING, -1, c.status().wire());
                });
            }
            messages.info("Experiment #" + id + " (" + rec.name() + ", " + rec.status().wire() + ") on the canvas");
        }, e -> messages.error("Cannot show experiment #" + id + ":\n" + Messages.describe(e))).thenApply(r -> id);
    }

    /** A stored pipeline experiment as the canvas shows it. */
    private record Stored(dev.orchard.engine.store.ExperimentRecord experiment, CanvasDoc doc,
                          List<dev.orchard.engine.store.ExperimentRecord> children) {
    }

    public void pause() {
        control(PipelineExperiment::pause);
    }

    /** Resumes the run on display: a paused one in this process, or an interrupted one from the history. */
    public void resume() {
        if (running == null && runId.get() >= 0 && canResume.get()) {
            long id = runId.get();
            async.run(() -> orchard.resumePipeline(id), pe -> {
                running = pe;
                runStatus.set(ExperimentStatus.RUNNING);
                messages.info("Resumed experiment #" + id);
            }, e -> messages.error("Cannot resume experiment #" + id + ":\n" + Messages.describe(e)));
            return;
        }
        control(PipelineExperiment::resume);
    }

    public void stop() {
        control(PipelineExperiment::stop);
    }

    private void control(java.util.function.Consumer<PipelineExperiment> action) {
        PipelineExperiment pe = running;
        if (pe != null) {
            async.run(() -> {
                action.accept(pe);
                return pe.status();
            }, s -> { }, e -> messages.error(Messages.describe(e)));
        }
    }

    /** Engine events, batched on the FX thread: stage states of the run on display, and progress of its sweeps. */
    public void onEvents(List<? extends EngineEvent> batch) {
        long id = runId.get();
        if (id < 0) {
            return;
        }
        for (EngineEvent e : batch) {
            if (e instanceof EngineEvent.StageEvent s && s.experimentId() == id) {
                stage(s);
            } else if (e instanceof EngineEvent.ExperimentStatusChanged c && c.experimentId() == id) {
                runStatus.set(c.status());
                if (c.status() == ExperimentStatus.COMPLETED) {
                    messages.info("Pipeline " + editor.doc().name() + " completed (experiment " + id + ")");
                } else if (c.status() == ExperimentStatus.FAILED) {
                    messages.error("Pipeline " + editor.doc().name() + " failed:\n" + (c.message() == null ? "" : c.message()));
                }
            } else if (e instanceof EngineEvent.TrialFinished f && childStage.containsKey(f.trial().experimentId())) {
                int[] p = childProgress.get(f.trial().experimentId());
                p[0]++;
                String stage = childStage.get(f.trial().experimentId());
                StageState st = states.getOrDefault(stage, StageState.IDLE);
                if (p[1] > 0) {
                    states.put(stage, st.withProgress(Math.min(1, p[0] / (double) p[1])));
                }
            }
        }
    }

    private void stage(EngineEvent.StageEvent s) {
        if (s.stage().isEmpty()) {
            return;
        }
        StageState old = states.getOrDefault(s.stage(), StageState.IDLE);
        StageState next = switch (s.kind()) {
            case "started" -> new StageState(StageState.Kind.RUNNING, -1, "");
            case "retrying" -> new StageState(StageState.Kind.RETRYING, old.progress(), s.message());
            case "done" -> new StageState(StageState.Kind.DONE, 1, s.message());
            case "cached", "restored" -> new StageState(StageState.Kind.CACHED, 1, s.message());
            case "skipped" -> new StageState(StageState.Kind.SKIPPED, -1, s.message());
            case "failed" -> new StageState(StageState.Kind.FAILED, old.progress(), s.message());
            case "metrics" -> {
                if (s.details().get("child_experiment") instanceof Number child) {
                    childStage.put(child.longValue(), s.stage());
                    int budget = s.details().get("budget") instanceof Number b ? b.intValue() : 0;
                    childProgress.put(child.longValue(), new int[]{0, budget});
                    yield old.withProgress(0);
                }
                yield old;
            }
            default -> old;
        };
        states.put(s.stage(), next);
    }

    /** The name of a node anywhere in the document (for messages). */
    private String nodeName(String id) {
        return editor.doc().graph().pathOf(id).orElse(id);
    }

    /** The stage path the engine's events use for a node of the open level ("group/inner"). */
    public String stagePath(CanvasNode n) {
        StringBuilder b = new StringBuilder();
        for (CanvasNode open : editor.openBlocks()) {
            b.append(open.name()).append('/');
        }
        return b.append(n.name()).toString();
    }

    public CanvasEditor editor() {
        return editor;
    }

    public LongProperty versionProperty() {
        return version;
    }

    public ObjectProperty<CanvasProblems> problemsProperty() {
        return problems;
    }

    public ObjectProperty<Path> fileProperty() {
        return file;
    }

    public BooleanProperty dirtyProperty() {
        return dirty;
    }

    public BooleanProperty canUndoProperty() {
        return canUndo;
    }

    public BooleanProperty canRedoProperty() {
        return canRedo;
    }

    public BooleanProperty hasSelectionProperty() {
        return hasSelection;
    }

    public BooleanProperty canPasteProperty() {
        return canPaste;
    }

    public BooleanProperty insideBlockProperty() {
        return insideBlock;
    }

    public StringProperty hintProperty() {
        return hint;
    }

    public IntegerProperty fitRequestsProperty() {
        return fitRequests;
    }

    public ObservableMap<String, StageState> states() {
        return states;
    }

    public ObjectProperty<ExperimentStatus> runStatusProperty() {
        return runStatus;
    }

    public LongProperty runIdProperty() {
        return runId;
    }

    public BooleanBinding canRunProperty() {
        return canRun;
    }

    public BooleanBinding canPauseProperty() {
        return canPause;
    }

    public BooleanBinding canResumeProperty() {
        return canResume;
    }

    public BooleanBinding canStopProperty() {
        return canStop;
    }

    public Path baseDir() {
        return baseDir;
    }

    // ---- edits that report their refusal on the canvas ----

    public void connect(String from, String fromPort, String to, String toPort) {
        editor.connect(from, fromPort, to, toPort).ifPresentOrElse(r -> hint.set("Not connected: " + r), () -> hint.set(""));
    }

    public void group() {
        editor.groupSelected().ifPresentOrElse(r -> hint.set("Cannot group: " + r), () -> hint.set(""));
    }

    public void dropHook(String edgeId, String hook) {
        editor.applyHook(edgeId, hook).ifPresentOrElse(r -> hint.set(r), () -> hint.set(""));
    }

    public Optional<String> rename(String nodeId, String name) {
        Optional<String> r = editor.rename(nodeId, name);
        hint.set(r.map(m -> "Not renamed: " + m).orElse(""));
        return r;
    }
}
