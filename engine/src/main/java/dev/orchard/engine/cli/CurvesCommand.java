package dev.orchard.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.LineReader;
import dev.orchard.engine.predict.Baselines;
import dev.orchard.engine.predict.CurveDataException;
import dev.orchard.engine.predict.CurveGrid;
import dev.orchard.engine.predict.CurveModelFiles;
import dev.orchard.engine.predict.CurvePredictor;
import dev.orchard.engine.predict.CurveRun;
import dev.orchard.engine.predict.CurveRuns;
import dev.orchard.engine.predict.CurveScores;
import dev.orchard.engine.predict.Prediction;
import dev.orchard.engine.predict.Prepared;
import dev.orchard.engine.predict.VaeCurveModel;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "curves", mixinStandardHelpOptions = true,
        description = "Training-curve prediction: fit a model (VAEs over configurations + a curve predictor with a band), predict, evaluate.",
        subcommands = {CurvesCommand.Fit.class, CurvesCommand.Predict.class, CurvesCommand.Eval.class, CurvesCommand.Sample.class})
final class CurvesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public void run() {
        cmd.commandLine().usage(cmd.commandLine().getOut());
    }

    /** The model's training settings, shared by {@code curves fit} and {@code bench curves}. */
    static final class HyperOptions {
        @Option(names = "--grid", defaultValue = "50", description = "Points of the x grid (default ${DEFAULT-VALUE}).")
        int grid;
        @Option(names = "--epochs", defaultValue = "150", description = "Epochs per ensemble member (default ${DEFAULT-VALUE}).")
        int epochs;
        @Option(names = "--members", defaultValue = "5", description = "Ensemble members (default ${DEFAULT-VALUE}, at least 2).")
        int members;
        @Option(names = "--hidden", defaultValue = "32", description = "Hidden units (default ${DEFAULT-VALUE}).")
        int hidden;
        @Option(names = "--latent", defaultValue = "4", description = "Agent latent size (default ${DEFAULT-VALUE}; the environment's is half, at least 1).")
        int latent;
        @Option(names = "--beta", defaultValue = "0.1", description = "Weight of the KL term (default ${DEFAULT-VALUE}).")
        double beta;
        @Option(names = "--warmup", defaultValue = "30", description = "Epochs over which beta ramps up from 0 (default ${DEFAULT-VALUE}).")
        int warmup;
        @Option(names = "--lr", defaultValue = "0.003", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
        double lr;
        @Option(names = "--batch", defaultValue = "32", description = "Mini-batch size (default ${DEFAULT-VALUE}).")
        int batch;
        @Option(names = "--seed", defaultValue = "7", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--prefix-probability", defaultValue = "0.5",
                description = "How often training shows a run with a random observed prefix (default ${DEFAULT-VALUE}).")
        double prefixProbability;
        @Option(names = "--residual", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Predict a running curve's change from the mean of its last 3 observed values, scored on the points "
                        + "not shown (default ${DEFAULT-VALUE}; --no-residual: the values themselves, as models before it).")
        boolean residual;
        @Option(names = "--blend", description = {"Also fit a stacking of partly observed curves: the model's forecast combined with the "
                + "power law and the last value, weights per observed fraction and horizon fit on the ensemble's out-of-fold "
                + "forecasts of the training runs, with its own band (default off: on the Pong benchmark it did not beat the model alone)."})
        boolean blend;

        VaeCurveModel.Hyper hyper() {
            return new VaeCurveModel.Hyper(Math.max(1, latent / 2), latent, hidden, epochs, batch, lr, beta, warmup, members, prefixProbability, residual);
        }
    }

    static List<String> list(List<String> l) {
        return l == null ? List.of() : l.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @Command(name = "fit", mixinStandardHelpOptions = true, description = {"Trains a curve model on runs from a JSON-lines file or a stored experiment",
            "and writes it to a directory (model.json + parameter files)."})
    static final class Fit implements Callable<Integer> {
        static final class Source {
            @Option(names = "--data", paramLabel = "FILE", description = "Runs, JSON lines (.gz): configuration fields, x list, curve list.")
            Path data;
            @Option(names = "--experiment", paramLabel = "ID", description = "A stored experiment: its trials' parameters and metric series.")
            Long experiment;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;
        @Mixin
        DbOption db;
        @Option(names = "--env-features", split = ",", paramLabel = "a,b", description = "Environment settings (may be empty).")
        List<String> envFeatures;
        @Option(names = "--agent-features", split = ",", required = true, paramLabel = "x,y,z", description = "Agent hyperparameters.")
        List<String> agentFeatures;
        @Option(names = "--curve", defaultValue = "returns", description = "Curve field or metric (default ${DEFAULT-VALUE}).")
        String curve;
        @Option(names = "--x", defaultValue = "timesteps", description = "x field or metric (default ${DEFAULT-VALUE}; @index: the point's position).")
        String x;
        @Option(names = "--env-field", defaultValue = "env", description = "Field naming the environment (default ${DEFAULT-VALUE}).")
        String envField;
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory to write.")
        Path model;
        @Mixin
        HyperOptions h;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Override
        public Integer call() throws Exception {
            var features = new ArrayList<String>(list(envFeatures));
            features.addAll(list(agentFeatures));
            var fields = new CurveRuns.Fields(features, curve, x, envField);
            List<CurveRun> runs;
            if (source.data != null) {
                runs = CurveRuns.readJsonLines(source.data, fields);
            } else {
                try (Orchard o = db.open()) {
                    long id = source.experiment;
                    String env = o.experiment(id).orElseThrow(() -> new CurveDataException("experiment " + id + " is not in the database")).name();
                    runs = CurveRuns.fromHistory(id, env, o.trials(id), t -> o.metrics(id, t), fields);
                }
            }
            Prepared p = Prepared.fit(runs, list(envFeatures), list(agentFeatures), h.grid, Optional.empty());
            PrintWriter w = cmd.commandLine().getOut();
            long groups = runs.stream().map(CurveRun::group).distinct().count();
            w.printf(Locale.ROOT, "%d runs, %d configurations; features %s; grid %d points over x %.0f .. %.0f%n", runs.size(), groups,
                    features, h.grid, p.grid().x()[0], p.grid().x()[h.grid - 1]);
            w.flush();
            var hyper = h.hyper();
            int total = hyper.members() * hyper.epochs();
            ProgressLine progress = new ProgressLine(System.err, "fit", total, System.console() != null);
            try (VaeCurveModel m = VaeCurveModel.train(p, p.rows(runs), hyper, h.seed, h.blend,
                    (member, epoch, loss) -> progress.update(member * hyper.epochs() + epoch, String.format(Locale.ROOT, "loss %.3f", loss), false))) {
                progress.finish(total, "");
                CurveModelFiles.save(m, fields, runs, model);
                w.printf(Locale.ROOT, "model written to %s (band scale %.2f, final loss %.3f%s)%n", model, m.bandScale(), m.metrics().get("final_loss"),
                        m.blend().map(b -> String.format(Locale.ROOT, "; blend fit on %d out-of-fold forecasts", b.samples())).orElse(""));
            }
            w.flush();
            return 0;
        }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true, description = {"Predicts curves for configurations: one JSON line per",
            "configuration, {\"id\",\"x\",\"mean\",\"lower\",\"upper\"} with an 80 %% band; with --observed, the curves so far sharpen it."})
    static final class Predict implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "DIR")
        Path model;
        @Option(names = "--configs", required = true, paramLabel = "FILE", description = "JSON lines: the features (and an optional \"id\").")
        Path configs;
        @Option(names = "--observed", paramLabel = "FILE", description = "JSON lines: \"id\" and the observed x and curve fields so far.")
        Path observed;
        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path out;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Override
        public Integer call() throws Exception {
            var mf = CurveModelFiles.manifest(model);
            var fields = CurveModelFiles.fields(mf);
            Map<String, JsonNode> seen = new LinkedHashMap<>();
            if (observed != null) {
                try (LineReader r = Json.textReader(observed)) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (!line.isBlank()) {
                            JsonNode o = Json.WIRE.readTree(line);
                            if (!o.path("id").isValueNode()) {
                                throw new CurveDataException(observed + ":" + r.lineNumber()
                                        + ": field 'id' is missing (it names the configuration the curve belongs to)");
                            }
                            seen.put(o.get("id").asText(), o);
                        }
                    }
                }
            }
            int count = 0;
            try (VaeCurveModel m = CurveModelFiles.load(model); LineReader r = Json.textReader(configs);
                 BufferedWriter w = Files.newBufferedWriter(out)) {
                Prepared p = m.prepared();
                for (String line; (line = r.readLine()) != null; ) {
                    long n = r.lineNumber();
                    if (line.isBlank()) {
                        continue;
                    }
                    String where = configs + ":" + n;
                    JsonNode row = Json.WIRE.readTree(line);
                    String id = row.path("id").isValueNode() ? row.get("id").asText() : String.valueOf(n);
                    Map<String, Object> config = CurveRuns.configOf(row, where, fields.features());
                    String env = p.normaliser().resolve(row.path(fields.env()).asText(""));
                    CurveGrid.Masked prefix = new CurveGrid.Masked(new double[p.grid().size()], new boolean[p.grid().size()]);
                    if (seen.containsKey(id)) {
                        CurveRun obs = CurveRuns.observed(seen.get(id), observed + " id " + id, fields, config, env);
                        prefix = p.row(obs).curve();
                    }
                    var q = new CurvePredictor.Row(new CurveRun(id, env, "", config, new double[]{0}, new double[]{0}),
                            p.encoder().encode(config, "env", where), p.encoder().encode(config, "agent", where), prefix);
                    Prediction pr = p.toPrediction(id, env, m.predict(q), prefix);
                    var o = Json.object();
                    o.put("id", id);
                    o.set("x", Json.tree(pr.x()));
                    o.set("mean", Json.tree(pr.mean()));
                    o.set("lower", Json.tree(pr.lower()));
                    o.set("upper", Json.tree(pr.upper()));
                    w.write(Json.write(o));
                    w.newLine();
                    count++;
                }
            }
            cmd.commandLine().getOut().printf("%d predictions written to %s%n", count, out);
            cmd.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, description = {"Scores a model on runs it was not trained on, against the",
            "baselines fit on its training runs: MSE (normalised), Spearman of final values, 80 %% band coverage; full curves and",
            "extrapolation from the first 10/20/50 %% of each run."})
    static final class Eval implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "DIR")
        Path model;
        @Option(names = "--data", required = true, paramLabel = "FILE")
        Path data;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Override
        public Integer call() throws Exception {
            var mf = CurveModelFiles.manifest(model);
            var test = CurveRuns.readJsonLines(data, CurveModelFiles.fields(mf));
            var train = CurveModelFiles.trainingRuns(model, mf);
            PrintWriter w = cmd.commandLine().getOut();
            var trainGroups = train.stream().map(CurveRun::group).collect(java.util.stream.Collectors.toSet());
            long leaked = test.stream().map(CurveRun::group).distinct().filter(trainGroups::contains).count();
            if (leaked > 0) {
                w.printf("note: %d of the evaluated configurations were in the training data: the scores flatter every method%n", leaked);
            }
            try (VaeCurveModel m = CurveModelFiles.load(model)) {
                Prepared p = m.prepared();
                var trainRows = p.rows(train);
                var scores = new CurveScores();
                var predictors = new ArrayList<CurvePredictor>(List.of(m, new Baselines.MeanCurve(trainRows), new Baselines.KNearest(trainRows),
                        new Baselines.LastValue(trainRows), new Baselines.PowerLaw(trainRows, p.grid())));
                if (m.blend().isPresent()) {
                    predictors.add(1, m.alone()); // the model without its blend, for comparison
                }
                scores.add(predictors, p.rows(test), new double[]{0, 0.1, 0.2, 0.5});
                w.print(CurveScores.table(scores.scores(), m.name()));
            }
            w.flush();
            return 0;
        }
    }

    @Command(name = "sample", mixinStandardHelpOptions = true, description = "Draws configurations and their curves from the model's latent space.")
    static final class Sample implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "DIR")
        Path model;
        @Option(names = "-n", defaultValue = "10", description = "How many (default ${DEFAULT-VALUE}).")
        int n;
        @Option(names = "--seed", defaultValue = "1")
        long seed;
        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path out;

        @Override
        public Integer call() throws Exception {
            try (VaeCurveModel m = CurveModelFiles.load(model); BufferedWriter w = Files.newBufferedWriter(out)) {
                Prepared p = m.prepared();
                int i = 0;
                for (var s : m.sample(n, seed)) {
                    String env = p.normaliser().envs().keySet().iterator().next();
                    Prediction pr = p.toPrediction("sample-" + i++, env, s.band(), null);
                    var o = Json.object();
                    o.put("id", pr.id());
                    o.set("config", Json.tree(s.config()));
                    o.set("x", Json.tree(pr.x()));
                    o.set("mean", Json.tree(pr.mean()));
                    o.set("lower", Json.tree(pr.lower()));
                    o.set("upper", Json.tree(pr.upper()));
                    w.write(Json.write(o));
                    w.newLine();
                }
            }
            return 0;
        }
    }
}
