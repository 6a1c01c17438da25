package dev.orchard.engine.cli;

import dev.orchard.engine.json.Specs;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.Optimizers;
import dev.orchard.engine.protocol.AskTellSession;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.trial.Direction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "ask-tell", mixinStandardHelpOptions = true,
        description = {"Serves an optimizer over JSON lines on stdin/stdout, for trainers in any language:",
                "  {\"op\":\"ask\"} -> {\"trial\":0,\"params\":{...}}",
                "  {\"op\":\"tell\",\"trial\":0,\"value\":1.5} -> {\"ok\":true}   (or \"state\":\"failed\" / \"pruned\")",
                "  {\"op\":\"best\"} -> {\"trial\":N,\"params\":{...},\"value\":V}",
                "A bad line is answered {\"error\":...} and the session goes on; end of input ends it."})
final class AskTellCommand implements Callable<Integer> {
    @Option(names = "--space", required = true, paramLabel = "FILE", description = "Search space JSON: {\"params\":[...]}.")
    Path space;

    @Option(names = "--optimizer", defaultValue = "auto", paramLabel = "NAME", description = "Optimizer (default ${DEFAULT-VALUE}; see orchard optimizers).")
    String optimizer;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--direction", defaultValue = "minimize", paramLabel = "minimize|maximize", description = "Default ${DEFAULT-VALUE}.")
    String direction;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws Exception {
        Direction dir = Direction.parse(direction);
        SearchSpace s = Specs.readSpace(space);
        var opt = Optimizers.create(optimizer, new OptimizerContext(s, dir, seed));
        var session = new AskTellSession(opt, dir);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        session.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
        out.flush();
        return 0;
    }
}
