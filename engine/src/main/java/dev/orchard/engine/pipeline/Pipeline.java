package dev.orchard.engine.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A pipeline of typed stages: a {@link Graph} whose edges are {@code through} contracts with hooks, plus hooks for
 * every stage. Built in Java with {@link #create(String)} or read from a {@code PipelineSpec}; both are checked the
 * same way before anything runs ({@link #validate()}), and run by {@link PipelineRun}.
 *
 * <pre>{@code
 * Pipeline.create("hpo")
 *     .stage("suggest", this::suggest)
 *     .through(Suggestions.class, h -> h.validate(s -> !s.trials().isEmpty()).checkpoint())
 *     .stage("train", this::train)
 *     .through(Results.class, h -> h.retry(3).onError(f -> Recovery.skip()))
 *     .loopWhile("refine", vars -> vars.get("round", Integer.class) < 3)
 *         .stage("step", this::step).through(Results.class)
 *     .endLoop()
 *     .withGlobalHooks(g -> g.profile())
 *     .build();
 * }</pre>
 */
public record Pipeline(String name, Graph graph, DataType inputType, GlobalHooks globalHooks) {

    public static Builder create(String name) {
        return new Builder(name);
    }

    /** Every problem of the pipeline (contracts, wiring, cycles, names), loops and sub-pipelines included. */
    public List<PipelineException.Problem> validate() {
        var problems = new ArrayList<PipelineException.Problem>();
        Validation.graph(graph, "", inputType, Optional.empty(), problems);
        return problems;
    }

    /** Throws a {@link PipelineException} listing every problem, if there is any. */
    public Pipeline checked() {
        var problems = validate();
        if (!problems.isEmpty()) {
            throw new PipelineException(problems);
        }
        return this;
    }

    /** Writes the Java builder's chain of stages; {@link #build()} checks it. */
    public static final class Builder {
        private final String name;
        private final Deque<Block> blocks = new ArrayDeque<>();
        private final GlobalHooks global = new GlobalHooks();
        private DataType inputType = DataType.ANY;

        private Builder(String name) {
            this.name = name;
            blocks.push(new Block("", "pipeline", LoopCondition.ONCE, 1, DataType.ANY));
        }

        /** The type of the pipeline's input (what {@code run(input)} is given), {@code any} by default. */
        public Builder input(Class<?> type) {
            inputType = DataType.of(type);
            return this;
        }

        public <I, O> Builder stage(String name, Function<I, O> fn) {
            return stage(name, (I in, StageContext ctx) -> fn.apply(in));
        }

        /** A stage that takes no input (the first of a pipeline, say). */
        public <O> Builder stage(String name, Supplier<O> fn) {
            Stage s = (in, ctx) -> Map.of(Port.OUT, fn.get());
            return add(new Node.StageNode(name, "java", s, List.of(), List.of(Port.of(Port.OUT, DataType.ANY)), Map.of(), ""));
        }

        @SuppressWarnings("unchecked")
        public <I, O> Builder stage(String name, Stage.Fn<I, O> fn) {
            Stage s = (in, ctx) -> Map.of(Port.OUT, fn.apply((I) in.get(Port.IN), ctx));
            return add(new Node.StageNode(name, "java", s, List.of(Port.of(Port.IN, DataType.ANY)),
                    List.of(Port.of(Port.OUT, DataType.ANY)), Map.of(), ""));
        }

        /** A stage with declared input and output types: checked against the contracts around it when built. */
        @SuppressWarnings("unchecked")
        public <I, O> Builder stage(String name, Class<I> in, Class<O> out, Stage.Fn<I, O> fn) {
            Stage s = (inputs, ctx) -> Map.of(Port.OUT, fn.apply((I) inputs.get(Port.IN), ctx));
            return add(new Node.StageNode(name, "java", s, List.of(Port.of(Port.IN, DataType.of(in))),
                    List.of(Port.of(Port.OUT, DataType.of(out))), Map.of(), ""));
        }

        /** A stage of the registry (or any node built elsewhere): its ports {@code in} and {@code out} are chained. */
        public Builder node(Node node) {
            return add(node);
        }

        /** The contract of what the last stage gives (and the next takes), without hooks. */
        public Builder through(Class<?> contract) {
            return through(DataType.of(contract), h -> { });
        }

        @SuppressWarnings("unchecked")
        public <T> Builder through(Class<T> contract, Consumer<Hooks<T>> hooks) {
            return through(DataType.of(contract), h -> hooks.accept((Hooks<T>) (Hooks<?>) h));
        }

        /** A contract of any type, for instance named slots: {@code through(DataType.slots("trials", listOf(Trial.class)))}. */
        public Builder through(DataType contract, Consumer<Hooks<Object>> hooks) {
            Block b = blocks.peek();
            Hooks<Object> h = new Hooks<>();
            hooks.accept(h);
            if (b.drafts.isEmpty()) {
                if (b.inContract != null) {
                    throw new IllegalStateException("two through(...) in a row at the start of " + where(b));
                }
                b.inContract = new Draft(null, contract, h);
                return this;
            }
            Draft last = b.drafts.get(b.drafts.size() - 1);
            if (last.contract != null) {
                throw new IllegalStateException("two through(...) in a row after stage '" + last.node.name() + "'");
            }
            b.drafts.set(b.drafts.size() - 1, new Draft(last.node, contract, h));
            return this;
        }

        /** Starts a loop: its stages run again while the condition holds; close it with {@link #endLoop()}. */
        public Builder loopWhile(String name, Predicate<PipelineVars> condition) {
            return loop(name, LoopCondition.whilst(condition));
        }

        public Builder loop(String name, LoopCondition condition) {
            blocks.push(new Block(name, "loop", condition, 10_000, DataType.ANY));
            return this;
        }

        /** The loop's iteration guard (10,000 by default): a run fails rather than loop forever. */
        public Builder maxIterations(int n) {
            if (blocks.size() < 2 || n < 1) {
                throw new IllegalStateException("maxIterations(n ≥ 1) belongs inside a loop");
            }
            blocks.peek().max = n;
            return this;
        }

        public Builder endLoop() {
            if (blocks.size() < 2 || !blocks.peek().kind.equals("loop")) {
                throw new IllegalStateException("endLoop() without loopWhile(...)");
            }
            Block b = blocks.pop();
            return add(new Node.BlockNode(b.name, b.kind, b.condition, b.graph(), b.carried(), b.max, ""));
        }

        /** Runs another pipeline as one stage of this one (a sub-experiment): its input and output flow through. */
        public Builder subPipeline(String name, Pipeline inner) {
            return add(new Node.BlockNode(name, "group", LoopCondition.ONCE, inner.graph(), inner.inputType(), 1, ""));
        }

        public Builder withGlobalHooks(Consumer<GlobalHooks> hooks) {
            hooks.accept(global);
            return this;
        }

        /** The pipeline, checked: a contract mismatch fails here, naming both stages and both types. */
        public Pipeline build() {
            if (blocks.size() != 1) {
                throw new IllegalStateException("loop '" + blocks.peek().name + "' has no endLoop()");
            }
            return buildUnchecked().checked();
        }

        /** The pipeline as written, problems and all (see {@link Pipeline#validate()}). */
        public Pipeline buildUnchecked() {
            return new Pipeline(name, blocks.getLast().graph(), inputType, global);
        }

        private Builder add(Node node) {
            blocks.peek().drafts.add(new Draft(node, null, null));
            return this;
        }

        private static String where(Block b) {
            return b.name.isEmpty() ? "the pipeline" : "loop '" + b.name + "'";
        }
    }

    private record Draft(Node node, DataType contract, Hooks<Object> hooks) {
    }

    private static final class Block {
        final String name;
        final String kind;
        final LoopCondition condition;
        int max;
        final DataType declared;
        final List<Draft> drafts = new ArrayList<>();
        Draft inContract;

        Block(String name, String kind, LoopCondition condition, int max, DataType declared) {
            this.name = name;
            this.kind = kind;
            this.condition = condition;
            this.max = max;
            this.declared = declared;
        }

        DataType carried() {
            return inContract != null ? inContract.contract : declared;
        }

        /** The chain: @in → first → ... → last → @out, each edge with the through written after its source. */
        Graph graph() {
            var nodes = new ArrayList<Node>();
            var edges = new ArrayList<Edge>();
            String prev = Graph.INPUT;
            String prevPort = Port.OUT;
            DataType contract = inContract == null ? DataType.ANY : inContract.contract;
            Hooks<Object> hooks = inContract == null ? new Hooks<>() : inContract.hooks;
            for (Draft d : drafts) {
                nodes.add(d.node);
                if (d.node.input(Port.IN).isPresent()) {
                    edges.add(new Edge(prev, prevPort, d.node.name(), Port.IN, contract, hooks, ""));
                }
                prev = d.node.name();
                prevPort = Port.OUT;
                contract = d.contract == null ? DataType.ANY : d.contract;
                hooks = d.hooks == null ? new Hooks<>() : d.hooks;
            }
            if (!drafts.isEmpty()) {
                edges.add(new Edge(prev, prevPort, Graph.OUTPUT, Port.IN, contract, hooks, ""));
            }
            return new Graph(nodes, edges);
        }
    }
}
