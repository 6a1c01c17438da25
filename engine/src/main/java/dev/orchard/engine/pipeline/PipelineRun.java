package dev.orchard.engine.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.events.EventBus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One run of a pipeline: stages run one at a time in the graph's order (each on a worker thread, so a timeout or a
 * stop can interrupt it), hooks act around them, checkpoints store the run's position, and a run started with
 * {@link Options#resume()} continues after the latest checkpoint. Pause takes effect between stages (and is passed to a
 * stage that registered for it: a sweep pauses its trials); stop interrupts the running stage.
 */
public final class PipelineRun {
    static final String CHECKPOINT_FORMAT = "orchard.pipeline-checkpoint/1";

    /**
     * @param experimentId the experiment the run is stored as (-1: not stored)
     * @param bus          where stage events go (empty: nowhere)
     * @param services     engine services stages may ask for ({@link StageContext#service})
     * @param resume       continue after the latest checkpoint of {@code journal}
     */
    public record Options(long experimentId, Optional<EventBus> bus, PipelineJournal journal, Map<Class<?>, Object> services,
                          boolean resume) {
        public static Options inMemory() {
            return new Options(-1, Optional.empty(), PipelineJournal.NONE, Map.of(), false);
        }
    }

    /** How a run ended: with an output (empty when the last stage was skipped), or stopped by request. */
    public record Result(Status status, Optional<Object> output, List<String> skipped) {
        public enum Status { COMPLETED, STOPPED }
    }

    private final Pipeline pipeline;
    private final Options options;
    private final PipelineVars vars = new PipelineVars();
    private final Deque<Frame> frames = new ArrayDeque<>();
    private final List<String> skippedStages = new ArrayList<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "orchard-stage");
        t.setDaemon(true);
        return t;
    });
    private final Object control = new Object();
    private final List<Consumer<StageContext.Control>> handlers = new CopyOnWriteArrayList<>();
    private volatile boolean paused;
    private volatile boolean stopping;
    private volatile Future<?> current;
    private Deque<Frame> restore = new ArrayDeque<>();
    private final Map<Edge, Hooks<Object>> effective = new java.util.IdentityHashMap<>();

    public PipelineRun(Pipeline pipeline, Options options) {
        this.pipeline = pipeline;
        this.options = options;
    }

    public PipelineVars vars() {
        return vars;
    }

    /** Runs the pipeline (or continues it, see {@link Options#resume()}); a stage failure nothing recovered throws. */
    public Result run(Object input) {
        pipeline.checked();
        try {
            Frame top = new Frame("", pipeline.graph(), 0, input, "");
            if (options.resume()) {
                Optional<String> cp = options.journal().latestCheckpoint();
                if (cp.isPresent()) {
                    restore = restoreFrames(cp.get());
                    top = restore.removeFirst();
                    event("", "", "restored", "continuing after the last checkpoint", Map.of());
                }
            }
            Optional<Object> out = runGraph(top);
            return new Result(Result.Status.COMPLETED, out, List.copyOf(skippedStages));
        } catch (Stopped s) {
            return new Result(Result.Status.STOPPED, Optional.empty(), List.copyOf(skippedStages));
        } finally {
            workers.shutdownNow();
        }
    }

    /** Stages already started finish (or pause with their sweeps); the next one waits for {@link #resume()}. */
    public void pause() {
        paused = true;
        handlers.forEach(h -> h.accept(StageContext.Control.PAUSE));
    }

    public void resume() {
        synchronized (control) {
            paused = false;
            control.notifyAll();
        }
        handlers.forEach(h -> h.accept(StageContext.Control.RESUME));
    }

    /** Ends the run: the running stage is told (or interrupted, when it registered no handler); nothing after it runs. */
    public void stop() {
        synchronized (control) {
            stopping = true;
            control.notifyAll();
        }
        if (handlers.isEmpty()) {
            Future<?> f = current;
            if (f != null) {
                f.cancel(true);
            }
        } else {
            handlers.forEach(h -> h.accept(StageContext.Control.STOP));
        }
    }

    public boolean isPaused() {
        return paused;
    }

    /**
     * Ends the run without telling its stages (the engine is closing: the sweeps they run have paused and stay so, to be
     * resumed with the pipeline later).
     */
    public void abandon() {
        synchronized (control) {
            stopping = true;
            control.notifyAll();
        }
        handlers.clear();
        Future<?> f = current;
        if (f != null) {
            f.cancel(true);
        }
    }

    // ---- the interpreter ----

    private static final class Frame {
        final String path;
        final Graph graph;
        final List<Node> order;
        final int iteration;
        final Object input;
        final String iterKey;
        final Map<String, Map<String, Object>> values = new LinkedHashMap<>();
        final Set<String> skipped = new HashSet<>();
        int next;

        Frame(String path, Graph graph, int iteration, Object input, String iterKey) {
            this.path = path;
            this.graph = graph;
            this.order = graph.order();
            this.iteration = iteration;
            this.input = input;
            this.iterKey = iterKey;
        }
    }

    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped", null, false, false);
        }
    }

    private Optional<Object> runGraph(Frame f) {
        frames.addLast(f);
        try {
            while (f.next < f.order.size()) {
                Node n = f.order.get(f.next);
                Optional<Map<String, Object>> inputs = gather(f, n);
                Optional<Map<String, Object>> out = Optional.empty();
                if (inputs.isEmpty()) {
                    event(f.path + n.name(), f.iterKey, "skipped", "an input it needs was skipped", Map.of());
                } else {
                    awaitGo();
                    out = n instanceof Node.StageNode s ? runStage(f, s, inputs.get()) : runBlock(f, (Node.BlockNode) n, inputs.get());
                }
                if (out.isPresent()) {
                    f.values.put(n.name(), out.get());
                } else {
                    f.skipped.add(n.name());
                    skippedStages.add(f.path + n.name() + (f.iterKey.isEmpty() ? "" : " (" + f.iterKey + ")"));
                }
                f.next++;
                for (Edge e : f.graph.into(n.name())) {
                    Object v = value(f, e);
                    if (v != null) {
                        effective(e).after.forEach(h -> h.accept(v));
                    }
                }
                if (out.isPresent() && n instanceof Node.StageNode && checkpointed(f.graph, n)) {
                    checkpoint(f.path + n.name(), f.iterKey);
                }
            }
            Optional<Object> result = Optional.empty();
            for (Edge e : f.graph.into(Graph.OUTPUT)) {
                Object v = value(f, e);
                if (v != null) {
                    Object adapted = e.contract().adapt(v);
                    Hooks<Object> h = effective(e);
                    h.before.forEach(b -> b.accept(adapted));
                    h.after.forEach(a -> a.accept(adapted));
                    result = Optional.of(adapted);
                }
            }
            return result;
        } finally {
            frames.removeLast();
        }
    }

    /** The value an edge carries, or null when its source was skipped. */
    private static Object value(Frame f, Edge e) {
        if (e.from().equals(Graph.INPUT)) {
            return f.input;
        }
        Map<String, Object> out = f.values.get(e.from());
        return out == null ? null : out.get(e.fromPort());
    }

    /** The inputs of a node, adapted to their contracts, with the edges' before hooks run; empty when one is skipped. */
    private Optional<Map<String, Object>> gather(Frame f, Node n) {
        var inputs = new LinkedHashMap<String, Object>();
        for (Edge e : f.graph.into(n.name())) {
            Object v = value(f, e);
            if (v == null) {
                if (e.from().equals(Graph.INPUT) && f.input == null) {
                    if (n.input(e.toPort()).map(Port::optional).orElse(false)) {
                        continue;
                    }
                    throw new PipelineFailedException(new StageFailure(f.path + n.name(), StageFailure.Kind.CONTRACT,
                            "input '" + e.toPort() + "' comes from the pipeline's input, and the run was given none", Optional.empty(), 0));
                }
                return Optional.empty();
            }
            Object adapted = n.input(e.toPort()).map(p -> p.type().adapt(e.contract().adapt(v))).orElse(v);
            if (e.from().equals(Graph.INPUT)) {
                // what enters from outside is checked here; stage outputs were checked when they were made
                List<String> problems = e.contract().check(adapted);
                if (!problems.isEmpty()) {
                    throw new PipelineFailedException(new StageFailure(f.path + n.name(), StageFailure.Kind.CONTRACT,
                            "its input breaks the contract " + e.contract() + ": " + String.join("; ", problems), Optional.empty(), 0));
                }
            }
            effective(e).before.forEach(h -> h.accept(adapted));
            inputs.put(e.toPort(), adapted);
        }
        return Optional.of(inputs);
    }

    /** An edge's hooks over the global hook sets, made once per edge (the run thread alone asks). */
    private Hooks<Object> effective(Edge e) {
        return effective.computeIfAbsent(e, edge -> global().overlay(edge.hooks()));
    }

    private Hooks<Object> global() {
        Hooks<Object> base = new Hooks<>();
        pipeline.globalHooks().sets.forEach(s -> s.apply(base));
        return base;
    }

    /** The run hooks of a node: those of its outgoing throughs (the first that sets a thing wins). */
    private Hooks<Object> runHooks(Graph g, Node n) {
        List<Edge> out = g.outOf(n.name());
        if (out.isEmpty()) {
            return global();
        }
        Hooks<Object> merged = effective(out.get(out.size() - 1));
        for (int i = out.size() - 2; i >= 0; i--) {
            merged = merged.overlay(effective(out.get(i)));
        }
        return merged;
    }

    private boolean checkpointed(Graph g, Node n) {
        return runHooks(g, n).checkpoint;
    }

    private Optional<Map<String, Object>> runStage(Frame f, Node.StageNode n, Map<String, Object> inputs) {
        String path = f.path + n.name();
        Hooks<Object> hooks = runHooks(f.graph, n);
        Object shown = inputs.size() == 1 ? inputs.values().iterator().next() : inputs;
        pipeline.globalHooks().before.forEach(h -> h.accept(path, shown));
        boolean profile = hooks.profile || pipeline.globalHooks().profile;
        long t0 = System.nanoTime();
        event(path, f.iterKey, "started", "", Map.of());
        String key = null;
        if (hooks.cache) {
            key = Values.hash(pipeline.name(), path, n.type(), hooks.cacheVersion, n.config(), inputs);
            Optional<String> hit = options.journal().cached(key);
            if (hit.isPresent()) {
                Optional<Map<String, Object>> restored = readCached(f, n, hit.get());
                if (restored.isPresent()) {
                    event(path, f.iterKey, "cached", "output reused from the cache", Map.of("key", key));
                    pipeline.globalHooks().after.forEach(h -> h.accept(path, single(restored.get())));
                    return restored;
                }
            }
        }
        int attempt = 0;
        long runNanos = 0;
        while (true) {
            attempt++;
            long a0 = System.nanoTime();
            StageFailure failure;
            try {
                Map<String, Object> out = call(f, n, inputs, hooks);
                runNanos += System.nanoTime() - a0;
                failure = verify(f, n, out, attempt).orElse(null);
                if (failure == null) {
                    if (key != null) {
                        storeCached(key, path, n, out);
                    }
                    finishStage(f, n, out, profile, t0, runNanos, attempt);
                    return Optional.of(out);
                }
            } catch (StageError e) {
                runNanos += System.nanoTime() - a0;
                failure = new StageFailure(path, e.kind, e.getMessage(), Optional.ofNullable(e.getCause()), attempt);
            }
            if (failure.retryable() && attempt <= hooks.retries) {
                long wait = Math.min(60_000, hooks.backoff.toMillis() << Math.min(attempt - 1, 20));
                event(path, f.iterKey, "retrying", failure.toString(), Map.of("attempt", attempt, "wait_ms", wait));
                sleep(wait);
                continue;
            }
            return recover(f, n, hooks, failure);
        }
    }

    private void finishStage(Frame f, Node.StageNode n, Map<String, Object> out, boolean profile, long t0, long runNanos, int attempts) {
        String path = f.path + n.name();
        for (Edge e : f.graph.outOf(n.name())) {
            Object v = out.get(e.fromPort());
            for (var m : effective(e).metrics) {
                Map<String, Double> values = m.apply(e.contract().adapt(v));
                event(path, f.iterKey, "metrics", "", new LinkedHashMap<>(values));
            }
        }
        pipeline.globalHooks().after.forEach(h -> h.accept(path, single(out)));
        var details = new LinkedHashMap<String, Object>();
        details.put("millis", (System.nanoTime() - t0) / 1_000_000.0);
        details.put("attempts", attempts);
        event(path, f.iterKey, "done", "", details);
        if (profile) {
            var p = new LinkedHashMap<String, Object>();
            p.put("total_ms", (System.nanoTime() - t0) / 1_000_000.0);
            p.put("run_ms", runNanos / 1_000_000.0);
            p.put("hooks_ms", Math.max(0, (System.nanoTime() - t0 - runNanos) / 1_000_000.0));
            p.put("attempts", attempts);
            event(path, f.iterKey, "profile", "", p);
        }
    }

    private static Object single(Map<String, Object> out) {
        return out.size() == 1 ? out.values().iterator().next() : out;
    }

    /** Contract checks of what a stage gave (its ports, then each outgoing through), then the through's validations. */
    private Optional<StageFailure> verify(Frame f, Node.StageNode n, Map<String, Object> out, int attempt) {
        String path = f.path + n.name();
        for (Port p : n.outputs()) {
            if (!out.containsKey(p.name())) {
                if (f.graph.outOf(n.name()).stream().anyMatch(e -> e.fromPort().equals(p.name()))) {
                    return Optional.of(new StageFailure(path, StageFailure.Kind.CONTRACT, "gave no value for output '"
                            + p.name() + "'", Optional.empty(), attempt));
                }
                continue;
            }
            List<String> problems = p.type().check(out.get(p.name()));
            if (!problems.isEmpty()) {
                return Optional.of(new StageFailure(path, StageFailure.Kind.CONTRACT, "output '" + p.name() + "' is not a "
                        + p.type() + ": " + String.join("; ", problems), Optional.empty(), attempt));
            }
        }
        for (Edge e : f.graph.outOf(n.name())) {
            Object v = out.get(e.fromPort());
            List<String> problems = e.contract().check(v);
            if (!problems.isEmpty()) {
                return Optional.of(new StageFailure(path, StageFailure.Kind.CONTRACT, "output '" + e.fromPort()
                        + "' breaks the contract " + e.contract() + " of its through to "
                        + (e.to().equals(Graph.OUTPUT) ? "the output" : "'" + e.to() + "'") + ": "
                        + String.join("; ", problems), Optional.empty(), attempt));
            }
            Object adapted = e.contract().adapt(v);
            for (Hooks.Validation<Object> val : effective(e).validations) {
                boolean ok;
                try {
                    ok = val.test().test(adapted);
                } catch (RuntimeException ex) {
                    return Optional.of(new StageFailure(path, StageFailure.Kind.VALIDATION, val.message() + " (the check threw "
                            + ex + ")", Optional.of(ex), attempt));
                }
                if (!ok) {
                    return Optional.of(new StageFailure(path, StageFailure.Kind.VALIDATION, val.message(), Optional.empty(), attempt));
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Map<String, Object>> recover(Frame f, Node.StageNode n, Hooks<Object> hooks, StageFailure failure) {
        String path = f.path + n.name();
        if (hooks.onError.isEmpty()) {
            event(path, f.iterKey, "failed", failure.toString(), Map.of("attempts", failure.attempts()));
            throw new PipelineFailedException(failure);
        }
        Recovery<Object> r;
        try {
            r = hooks.onError.get().handle(failure);
        } catch (Exception e) {
            event(path, f.iterKey, "failed", failure + "; its on_error handler threw " + e, Map.of());
            throw new PipelineFailedException(new StageFailure(path, StageFailure.Kind.ERROR, failure.message()
                    + "; its on_error handler threw " + e, Optional.of(e), failure.attempts()));
        }
        if (r instanceof Recovery.Recover<Object> rv) {
            Map<String, Object> out = new LinkedHashMap<>();
            String port = f.graph.outOf(n.name()).stream().map(Edge::fromPort).findFirst().orElse(Port.OUT);
            out.put(port, rv.value());
            Optional<StageFailure> bad = verify(f, n, out, failure.attempts());
            if (bad.isPresent()) {
                throw new PipelineFailedException(new StageFailure(path, StageFailure.Kind.CONTRACT,
                        "the value its on_error handler recovered with: " + bad.get().message(), Optional.empty(), failure.attempts()));
            }
            event(path, f.iterKey, "done", "recovered from: " + failure, Map.of("attempts", failure.attempts()));
            return Optional.of(out);
        }
        if (r instanceof Recovery.Skip<Object>) {
            event(path, f.iterKey, "skipped", failure.toString(), Map.of("attempts", failure.attempts()));
            return Optional.empty();
        }
        event(path, f.iterKey, "failed", failure.toString(), Map.of("attempts", failure.attempts()));
        throw new PipelineFailedException(failure);
    }

    private static final class StageError extends Exception {
        final StageFailure.Kind kind;

        StageError(StageFailure.Kind kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }
    }

    /** Runs the stage on a worker thread, within its timeout; a stop during it ends the run. */
    private Map<String, Object> call(Frame f, Node.StageNode n, Map<String, Object> inputs, Hooks<Object> hooks) throws StageError {
        Context ctx = new Context(f, n);
        Future<Map<String, Object>> fut = workers.submit(() -> n.stage().run(inputs, ctx));
        current = fut;
        try {
            Map<String, Object> out = hooks.timeout.isPresent()
                    ? fut.get(hooks.timeout.get().toNanos(), TimeUnit.NANOSECONDS) : fut.get();
            if (stopping) {
                throw new Stopped();
            }
            if (out == null) {
                throw new StageError(StageFailure.Kind.CONTRACT, "returned nothing (null)", null);
            }
            return out;
        } catch (TimeoutException e) {
            fut.cancel(true);
            throw new StageError(StageFailure.Kind.TIMEOUT, "ran longer than " + hooks.timeout.get().toMillis() / 1000.0
                    + " s and was interrupted", null);
        } catch (CancellationException e) {
            throw new Stopped();
        } catch (ExecutionException e) {
            if (stopping) {
                throw new Stopped();
            }
            Throwable c = e.getCause();
            throw new StageError(StageFailure.Kind.ERROR, c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": "
                    + c.getMessage()), c);
        } catch (InterruptedException e) {
            fut.cancel(true);
            Thread.currentThread().interrupt();
            throw new Stopped();
        } finally {
            current = null;
            handlers.clear();
        }
    }

    private Optional<Map<String, Object>> runBlock(Frame f, Node.BlockNode b, Map<String, Object> inputs) {
        String path = f.path + b.name() + "/";
        Object carried = inputs.get(Port.IN);
        int done = 0;
        event(f.path + b.name(), f.iterKey, "started", "", Map.of());
        if (!restore.isEmpty() && restore.peekFirst().path.equals(path)) {
            Frame resumed = restore.removeFirst();
            Optional<Object> out = runGraph(resumed);
            carried = out.orElse(resumed.input);
            done = resumed.iteration + 1;
        }
        while (b.condition().next(vars, done)) {
            if (done >= b.maxIterations()) {
                throw new PipelineFailedException(new StageFailure(f.path + b.name(), StageFailure.Kind.ERROR,
                        "loop ran " + done + " iterations, its limit (max_iterations); is its condition ever false?", Optional.empty(), 0));
            }
            awaitGo();
            String key = (f.iterKey.isEmpty() ? "" : f.iterKey + ",") + b.name() + "=" + done;
            Optional<Object> out = runGraph(new Frame(path, b.body(), done, carried, b.kind().equals("group") ? f.iterKey : key));
            if (out.isPresent()) {
                carried = out.get();
            }
            done++;
        }
        event(f.path + b.name(), f.iterKey, "done", "", Map.of("iterations", done));
        if (carried == null) {
            return Optional.empty();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put(Port.OUT, carried);
        return Optional.of(result);
    }

    private void awaitGo() {
        synchronized (control) {
            while (paused && !stopping) {
                try {
                    control.wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Stopped();
                }
            }
        }
        if (stopping) {
            throw new Stopped();
        }
    }

    private void sleep(long millis) {
        long end = System.currentTimeMillis() + millis;
        synchronized (control) {
            long left;
            while (!stopping && (left = end - System.currentTimeMillis()) > 0) {
                try {
                    control.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Stopped();
                }
            }
        }
        if (stopping) {
            throw new Stopped();
        }
    }

    // ---- cache and checkpoints ----

    private Optional<Map<String, Object>> readCached(Frame f, Node.StageNode n, String json) {
        try {
            JsonNode tree = Values.MAPPER.readTree(json);
            Map<String, Object> out = new LinkedHashMap<>();
            tree.fields().forEachRemaining(en -> out.put(en.getKey(), Values.read(en.getValue(), portType(f, n, en.getKey()))));
            return verify(f, n, out, 0).isEmpty() ? Optional.of(out) : Optional.empty();
        } catch (Exception e) {
            // an entry the current code cannot read (its types changed) is a miss, not a failure
            event(f.path + n.name(), f.iterKey, "metrics", "cache entry unreadable, recomputing: " + e.getMessage(), Map.of());
            return Optional.empty();
        }
    }

    private void storeCached(String key, String path, Node.StageNode n, Map<String, Object> out) {
        ObjectNode tree = Values.MAPPER.createObjectNode();
        try {
            out.forEach((port, v) -> tree.set(port, Values.write(v)));
        } catch (IllegalArgumentException e) {
            throw new PipelineFailedException(new StageFailure(path, StageFailure.Kind.CONTRACT,
                    "its output cannot be cached: " + e.getMessage(), Optional.of(e), 1));
        }
        options.journal().cache(key, path, tree.toString());
    }

    /** The declared type of what flows out of a port: the first typed through from it, else the port's own type. */
    private static DataType portType(Frame f, Node n, String port) {
        for (Edge e : f.graph.outOf(n.name())) {
            if (e.fromPort().equals(port) && !(e.contract() instanceof DataType.Any)) {
                return e.contract() instanceof DataType.Struct s && s.isSlots() ? DataType.ANY : e.contract();
            }
        }
        return n.output(port).map(Port::type).orElse(DataType.ANY);
    }

    /**
     * Stores where the run is: for each open frame (the pipeline, then each loop it is inside), the next node, the
     * iteration, the value that entered it, and the outputs later nodes still need; plus the variables.
     */
    private void checkpoint(String stage, String iterKey) {
        ObjectNode root = Values.MAPPER.createObjectNode();
        root.put("format", CHECKPOINT_FORMAT);
        root.put("pipeline", pipeline.name());
        try {
            ObjectNode vs = root.putObject("vars");
            vars.asMap().forEach((k, v) -> vs.set(k, Values.write(v)));
            ArrayNode fs = root.putArray("frames");
            for (Frame f : frames) {
                ObjectNode fn = fs.addObject();
                fn.put("path", f.path);
                fn.put("next", f.next);
                fn.put("iteration", f.iteration);
                fn.put("iter_key", f.iterKey);
                if (f.input != null) {
                    fn.set("input", Values.write(f.input));
                }
                ObjectNode values = fn.putObject("values");
                for (var en : f.values.entrySet()) {
                    ObjectNode ports = Values.MAPPER.createObjectNode();
                    for (var p : en.getValue().entrySet()) {
                        if (stillNeeded(f, en.getKey(), p.getKey())) {
                            ports.set(p.getKey(), Values.write(p.getValue()));
                        }
                    }
                    if (!ports.isEmpty()) {
                        values.set(en.getKey(), ports);
                    }
                }
                ArrayNode sk = fn.putArray("skipped");
                f.skipped.forEach(sk::add);
            }
        } catch (IllegalArgumentException e) {
            throw new PipelineFailedException(new StageFailure(stage, StageFailure.Kind.CONTRACT,
                    "cannot checkpoint: " + e.getMessage() + " (a checkpoint stores the outputs later stages need)", Optional.of(e), 1));
        }
        options.journal().checkpoint(stage, iterKey, root.toString());
        event(stage, iterKey, "checkpoint", "", Map.of());
    }

    private static boolean stillNeeded(Frame f, String node, String port) {
        for (Edge e : f.graph.outOf(node)) {
            if (e.fromPort().equals(port) && (e.to().equals(Graph.OUTPUT) || indexOf(f, e.to()) >= f.next)) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(Frame f, String node) {
        for (int i = 0; i < f.order.size(); i++) {
            if (f.order.get(i).name().equals(node)) {
                return i;
            }
        }
        return -1;
    }

    private Deque<Frame> restoreFrames(String json) {
        JsonNode root;
        try {
            root = Values.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException("the stored checkpoint is not JSON: " + e.getMessage(), e);
        }
        if (!CHECKPOINT_FORMAT.equals(root.path("format").asText())) {
            throw new IllegalStateException("the stored checkpoint has format '" + root.path("format").asText()
                    + "'; this Orchard reads " + CHECKPOINT_FORMAT);
        }
        var restoredVars = new LinkedHashMap<String, Object>();
        root.path("vars").fields().forEachRemaining(en -> restoredVars.put(en.getKey(), Values.read(en.getValue(), DataType.ANY)));
        vars.replaceAll(restoredVars);
        Deque<Frame> out = new ArrayDeque<>();
        Graph g = pipeline.graph();
        for (JsonNode fn : root.path("frames")) {
            String path = fn.path("path").asText();
            if (!out.isEmpty()) {
                Frame outer = out.peekLast();
                Node at = outer.next < outer.order.size() ? outer.order.get(outer.next) : null;
                if (!(at instanceof Node.BlockNode b) || !path.equals(outer.path + b.name() + "/")) {
                    throw new IllegalStateException("the checkpoint is of another pipeline: no loop at " + path);
                }
                g = b.body();
            }
            Object input = fn.has("input") ? Values.read(fn.get("input"), DataType.ANY) : null;
            Frame f = new Frame(path, g, fn.path("iteration").asInt(), input, fn.path("iter_key").asText());
            f.next = fn.path("next").asInt();
            if (f.next > f.order.size()) {
                throw new IllegalStateException("the checkpoint is of another pipeline: " + path + " has fewer stages");
            }
            Map<String, Node> byName = g.byName();
            for (var it = fn.path("values").fields(); it.hasNext(); ) {
                var en = it.next();
                Node n = byName.get(en.getKey());
                if (n == null) {
                    throw new IllegalStateException("the checkpoint is of another pipeline: it has no stage '" + path + en.getKey() + "'");
                }
                Map<String, Object> ports = new LinkedHashMap<>();
                en.getValue().fields().forEachRemaining(p -> ports.put(p.getKey(), Values.read(p.getValue(), portType(f, n, p.getKey()))));
                f.values.put(en.getKey(), ports);
            }
            fn.path("skipped").forEach(s -> f.skipped.add(s.asText()));
            out.addLast(f);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("the stored checkpoint has no frames");
        }
        return out;
    }

    private void event(String stage, String iterKey, String kind, String message, Map<String, Object> details) {
        options.bus().ifPresent(b -> b.publish(new EngineEvent.StageEvent(options.experimentId(), stage, iterKey, kind,
                message, details)));
    }

    private final class Context implements StageContext {
        private final Frame frame;
        private final Node.StageNode node;

        Context(Frame frame, Node.StageNode node) {
            this.frame = frame;
            this.node = node;
        }

        @Override
        public String stage() {
            return frame.path + node.name();
        }

        @Override
        public String iteration() {
            return frame.iterKey;
        }

        @Override
        public int loopIndex() {
            return frame.iteration;
        }

        @Override
        public long experimentId() {
            return options.experimentId();
        }

        @Override
        public PipelineVars vars() {
            return vars;
        }

        @Override
        public Map<String, Object> config() {
            return node.config();
        }

        @Override
        public <T> Optional<T> service(Class<T> type) {
            return Optional.ofNullable(options.services().get(type)).map(type::cast);
        }

        @Override
        public void report(Map<String, Double> metrics) {
            event(stage(), iteration(), "metrics", "", new HashMap<>(metrics));
        }

        @Override
        public boolean stopRequested() {
            return stopping;
        }

        @Override
        public void onControl(Consumer<Control> handler) {
            handlers.add(handler);
            if (paused) {
                handler.accept(Control.PAUSE);
            }
            if (stopping) {
                handler.accept(Control.STOP);
            }
        }
    }
}
