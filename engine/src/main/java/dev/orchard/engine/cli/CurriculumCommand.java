package dev.orchard.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.curriculum.CurriculumSpec;
import dev.orchard.engine.curriculum.CurriculumSpecs;
import dev.orchard.engine.curriculum.SharedCurriculum;
import dev.orchard.engine.events.EventBus;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.SpecException;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.protocol.CurriculumSession;
import dev.orchard.engine.protocol.LineServer;
import dev.orchard.engine.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "curriculum", mixinStandardHelpOptions = true, description = "Curricula: which task to train on next.",
        subcommands = CurriculumCommand.Serve.class)
final class CurriculumCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public void run() {
        cmd.commandLine().usage(cmd.commandLine().getOut());
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Serves a curriculum over JSON lines, on stdin/stdout or (--port) to many workers over TCP:",
                    "  {\"op\":\"sample\"} -> {\"task\":\"t17\",\"label\":...}   ({\"op\":\"sample\",\"step\":50,\"total\":1000} -> ...,\"bin\":2 for difficulty_bins)",
                    "  {\"op\":\"update\",\"task\":\"t17\",\"score\":0.8} -> {\"ok\":true}   (scores in [0, 1])",
                    "  {\"op\":\"update_batch\",\"updates\":[{\"task\":...,\"score\":...}]} -> {\"ok\":true,\"count\":N}",
                    "  {\"op\":\"stats\"} -> the metrics",
                    "A bad line is answered {\"error\":...} and the session goes on; a line longer than 10000000 bytes is answered",
                    "{\"error\":...} and drops the client (on stdin: exit code 2). The state is kept in an H2 database after every",
                    "update; serving the same --name with the same tasks and options again continues it."})
    static final class Serve implements Callable<Integer> {
        @Option(names = "--algorithm", required = true, paramLabel = "NAME", description = "learning_progress or difficulty_bins.")
        String algorithm;

        @Option(names = "--tasks", required = true, paramLabel = "FILE",
                description = "{\"tasks\":[{\"id\":\"t0\",\"label\":\"easy\"},...]} or {\"generator\":{\"type\":\"single|bucketed|weighted\",...}}.")
        Path tasks;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--bins", paramLabel = "N", description = "difficulty_bins: number of quantile bins (default 10).")
        Integer bins;

        @Option(names = "--strategy", paramLabel = "NAME", description = "difficulty_bins: uniform, easy_first or competence_based (default).")
        String strategy;

        @Option(names = "--temperature", paramLabel = "X", description = "Sampling temperature (> 0).")
        Double temperature;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = {"Any other option, e.g. --set pool_size=32 --set transform=sigmoid",
                "(see docs/ARCHITECTURE.md, Curricula); VALUE is read as JSON when it can be."})
        List<String> set = List.of();

        @Option(names = "--port", paramLabel = "N", description = "Serve over TCP on this port (0: any free one) instead of stdin/stdout; "
                + "prints {\"listening\":PORT} and serves until killed.")
        Integer port;

        @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS", description = "Address to bind with --port (default ${DEFAULT-VALUE}; no authentication).")
        String host;

        @Option(names = "--max-clients", defaultValue = "64", paramLabel = "N", description = "With --port: clients served at once "
                + "(default ${DEFAULT-VALUE}); one more is answered {\"error\":...} and closed.")
        int maxClients;

        @Option(names = "--idle-timeout", defaultValue = "600", paramLabel = "SECONDS", description = "With --port: close a client that sends "
                + "nothing for this long, so idle ones cannot hold the --max-clients places (default ${DEFAULT-VALUE}; 0: never).")
        long idleTimeout;

        @Option(names = "--name", paramLabel = "NAME", description = "Name the state is kept under (default: the tasks file's name).")
        String name;

        @Option(names = "--db", paramLabel = "PATH", description = "Database of curricula (default: curricula beside the history database).")
        Path db;

        @Option(names = "--no-store", description = "Keep the state in memory only.")
        boolean noStore;

        @Option(names = "--fresh", description = "Start over, replacing a stored curriculum of the same name.")
        boolean fresh;

        @Option(names = "--snapshot-every", defaultValue = "100", paramLabel = "N", description = "Store a snapshot of the stats every N updates (default ${DEFAULT-VALUE}).")
        long snapshotEvery;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Override
        public Integer call() throws Exception {
            JsonNode spec = specTree();
            String curriculumName = name != null ? name : tasks.getFileName().toString().replaceFirst("\\.json$", "");
            Optional<Store> store = noStore ? Optional.empty() : Optional.of(Store.open(db != null ? db : Orchard.defaultDatabase().resolveSibling("curricula")));
            try {
                var shared = SharedCurriculum.open(curriculumName, spec, tasks.toString(), store, fresh, new EventBus(), snapshotEvery);
                var session = new CurriculumSession(shared);
                PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
                if (port == null) {
                    session.serve(System.in, out, "standard input");
                    out.flush();
                    return 0;
                }
                try (LineServer server = new LineServer(InetAddress.getByName(host), port, session, limits())) {
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        try {
                            server.close();
                        } catch (java.io.IOException ignored) {
                            // exiting anyway
                        }
                        store.ifPresent(Store::close);
                    }));
                    out.println(Json.write(Map.of("listening", server.port())));
                    out.flush();
                    cmd.commandLine().getErr().println("orchard: curriculum '" + curriculumName + "' (" + algorithm + ", "
                            + shared.updates() + " updates so far) serving on " + host + ":" + server.port());
                    cmd.commandLine().getErr().flush();
                    server.await();
                }
                return 0;
            } finally {
                if (port == null) {
                    store.ifPresent(Store::close);
                }
            }
        }

        /** The TCP server's limits the options describe; a bad one is an error naming the option. */
        private LineServer.Limits limits() {
            if (maxClients < 1) {
                throw new CommandLine.ParameterException(cmd.commandLine(), "--max-clients: must be at least 1, got " + maxClients);
            }
            if (idleTimeout < 0 || idleTimeout > Integer.MAX_VALUE / 1000) {
                throw new CommandLine.ParameterException(cmd.commandLine(), "--idle-timeout: must be between 0 (never) and "
                        + Integer.MAX_VALUE / 1000 + " seconds, got " + idleTimeout);
            }
            return new LineServer.Limits(maxClients, Duration.ofSeconds(idleTimeout));
        }

        /** The curriculum spec the options and the tasks file describe; errors name the file and JSON path, or the option. */
        private JsonNode specTree() {
            String text = Specs.readText(tasks);
            CurriculumSpecs.readTasks(text, tasks.toString());
            if (!CurriculumSpec.ALGORITHMS.contains(algorithm)) {
                throw new CommandLine.ParameterException(cmd.commandLine(), "--algorithm: unknown algorithm '" + algorithm
                        + "'; valid: " + String.join(", ", CurriculumSpec.ALGORITHMS));
            }
            Map<String, Object> options = new LinkedHashMap<>();
            if (bins != null) {
                options.put("bins", bins);
            }
            if (strategy != null) {
                options.put("strategy", strategy);
            }
            if (temperature != null) {
                options.put("temperature", temperature);
            }
            for (String kv : set) {
                int eq = kv.indexOf('=');
                if (eq < 1) {
                    throw new CommandLine.ParameterException(cmd.commandLine(), "--set: expected KEY=VALUE, got '" + kv + "'");
                }
                String v = kv.substring(eq + 1);
                Object value;
                try {
                    value = Json.WIRE.readValue(v, Object.class);
                } catch (java.io.IOException e) {
                    value = v;
                }
                options.put(kv.substring(0, eq), value);
            }
            ObjectNode tree = (ObjectNode) Json.read(text);
            ObjectNode spec = Json.object().put("algorithm", algorithm);
            spec.set("options", Json.tree(options));
            spec.put("seed", seed);
            tree.fields().forEachRemaining(e -> spec.set(e.getKey(), e.getValue()));
            try {
                CurriculumSpecs.parse(spec, tasks.toString(), "$");
            } catch (SpecException e) {
                if (e.path().startsWith("$.options.")) {
                    String key = e.path().substring("$.options.".length());
                    String flag = List.of("bins", "strategy", "temperature").contains(key) ? "--" + key : "--set " + key;
                    throw new CommandLine.ParameterException(cmd.commandLine(), flag + ": " + e.problem());
                }
                throw e;
            }
            return spec;
        }
    }
}
