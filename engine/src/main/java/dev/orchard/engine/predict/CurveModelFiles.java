package dev.orchard.engine.predict;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.orchard.engine.json.InputFiles;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.RefusedInputException;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A model directory: {@code model.json} (format, version, features with their encodings and scalers, per-environment
 * scales, grid, hyperparameters, seed, band scale, training metrics, and the SHA-256 of each parameter file) and one
 * DJL parameter file per ensemble member. Loading checks the format version and that every parameter file is the one
 * the manifest was written with, and fails with a message naming the field.
 */
public final class CurveModelFiles {
    public static final String FORMAT = "orchard-curve-model";
    /**
     * The newest version this Orchard reads and writes. Version 2 added {@code blend} (the stacking of partly observed
     * curves, {@link CurveBlend}); a model without a blend is still written as version 1, which older Orchards read, and
     * version 1 directories load as the model alone.
     */
    public static final int VERSION = 2;
    /** The oldest version this Orchard reads. */
    public static final int OLDEST_VERSION = 1;
    public static final String MANIFEST = "model.json";

    private CurveModelFiles() {
    }

    /** The manifest, as written to {@code model.json}. */
    public record Manifest(@JsonProperty("format") String format, @JsonProperty("version") int version,
                           @JsonProperty("curve") String curve, @JsonProperty("x") String x, @JsonProperty("env_field") String envField,
                           @JsonProperty("features") List<FeatureEncoder.Feature> features,
                           @JsonProperty("environments") Map<String, Normaliser.Scale> environments,
                           @JsonProperty("grid") double[] grid, @JsonProperty("hyper") VaeCurveModel.Hyper hyper,
                           @JsonProperty("seed") long seed, @JsonProperty("band_scale") double bandScale,
                           @JsonProperty("metrics") Map<String, Double> metrics, @JsonProperty("members") List<String> members,
                           @JsonProperty("sha256") List<String> sha256,
                           @JsonProperty("blend") @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                           CurveBlend blend) {
    }

    /** The training runs, kept beside the model so {@code curves eval} can fit the baselines on the same data. */
    public static final String TRAINING_RUNS = "training-runs.jsonl.gz";

    public static void save(VaeCurveModel model, CurveRuns.Fields fields, List<CurveRun> training, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (var w = new java.io.PrintWriter(new java.io.OutputStreamWriter(new java.util.zip.GZIPOutputStream(
                Files.newOutputStream(dir.resolve(TRAINING_RUNS))), java.nio.charset.StandardCharsets.UTF_8))) {
            for (CurveRun r : training) {
                var o = Json.object();
                o.put("id", r.id());
                o.put("env", r.env());
                r.config().forEach((k, v) -> {
                    if (v instanceof Number n) {
                        o.put(k, n.doubleValue());
                    } else {
                        o.put(k, v.toString());
                    }
                });
                o.set("@x", Json.tree(r.x()));
                o.set("@y", Json.tree(r.y()));
                w.println(Json.write(o));
            }
        }
        var names = new ArrayList<String>();
        var hashes = new ArrayList<String>();
        for (int m = 0; m < model.nets().size(); m++) {
            String name = "member-" + m + ".params";
            Path f = dir.resolve(name);
            try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(f)))) {
                model.nets().get(m).saveParameters(out);
            }
            names.add(name);
            hashes.add(sha256(f));
        }
        Prepared p = model.prepared();
        var manifest = new Manifest(FORMAT, model.blend().isPresent() ? VERSION : 1, fields.curve(), fields.x(), fields.env(), p.encoder().features(),
                p.normaliser().envs(), p.grid().x(), model.hyper(), model.seed(), model.bandScale(), model.metrics(), names, hashes,
                model.blend().orElse(null));
        Files.writeString(dir.resolve(MANIFEST), Json.SPEC.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
    }

    /** The runs the model was trained on (as saved with it). */
    public static List<CurveRun> trainingRuns(Path dir, Manifest mf) throws IOException {
        var names = mf.features().stream().map(FeatureEncoder.Feature::name).toList();
        return CurveRuns.readJsonLines(dir.resolve(TRAINING_RUNS), new CurveRuns.Fields(names, "@y", "@x", "env"));
    }

    public static CurveRuns.Fields fields(Manifest mf) {
        return new CurveRuns.Fields(mf.features().stream().map(FeatureEncoder.Feature::name).toList(), mf.curve(), mf.x(), mf.envField());
    }

    public static Manifest manifest(Path dir) throws IOException {
        Path file = dir.resolve(MANIFEST);
        if (Files.notExists(file)) {
            throw new CurveDataException(dir + ": not a curve model directory (no " + MANIFEST + ")");
        }
        var tree = Json.SPEC.readTree(InputFiles.readString(file, InputFiles.DOCUMENT_MAX));
        if (!FORMAT.equals(tree.path("format").asText())) {
            throw new CurveDataException(file + ": field 'format' is '" + tree.path("format").asText() + "', expected '" + FORMAT + "'");
        }
        int version = tree.path("version").asInt(-1);
        if (version < OLDEST_VERSION || version > VERSION) {
            throw new CurveDataException(file + ": field 'version' is " + tree.path("version") + ", this Orchard reads versions "
                    + OLDEST_VERSION + " to " + VERSION + " (train the model again with `orchard curves fit`)");
        }
        if (version >= 2 && !tree.path("blend").isObject()) {
            throw new CurveDataException(file + ": field 'blend' is missing (version " + version + " models combine the model with "
                    + "the power law and the last value; train the model again with `orchard curves fit`)");
        }
        if (version < 2 && tree.has("blend")) {
            throw new CurveDataException(file + ": field 'blend' is not part of version " + version + " (a version 2 model whose "
                    + "version was changed?)");
        }
        if (tree.path("hyper") instanceof com.fasterxml.jackson.databind.node.ObjectNode h && !h.has("residual")) {
            h.put("residual", false); // written before residual models existed: a plain one
        }
        try {
            return Json.SPEC.treeToValue(tree, Manifest.class);
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof CurveDataException c ? c : e;
            throw new CurveDataException(file + ": " + cause.getMessage());
        }
    }

    /**
     * Checks, without loading the networks, that {@code dir} is a curve model this Orchard reads (format, version,
     * parameter files present) and that its features are parameters of {@code space} of a matching kind (numbers for
     * numeric features, choices whose values the model saw for one-hot ones): what an experiment that predicts its
     * trials' curves with it needs, checked before anything runs. Returns the manifest.
     */
    public static Manifest checkFor(Path dir, dev.orchard.engine.space.SearchSpace space) {
        Manifest mf;
        try {
            mf = manifest(dir);
        } catch (IOException e) {
            throw new CurveDataException(e instanceof RefusedInputException ? e.getMessage() : dir.resolve(MANIFEST) + ": " + e.getMessage());
        }
        if (mf.members() == null || mf.members().isEmpty()) {
            throw new CurveDataException(dir.resolve(MANIFEST) + ": field 'members' lists no parameter files");
        }
        for (String m : mf.members()) {
            if (!Files.isRegularFile(dir.resolve(m))) {
                throw new CurveDataException(dir.resolve(MANIFEST) + ": field 'members' names " + m + ", which is missing");
            }
        }
        var params = new java.util.LinkedHashMap<String, dev.orchard.engine.space.Param>();
        space.params().forEach(p -> params.put(p.name(), p));
        for (FeatureEncoder.Feature f : mf.features()) {
            var p = params.get(f.name());
            if (p == null) {
                throw new CurveDataException(dir.resolve(MANIFEST) + ": the model's feature '" + f.name() + "' is not a parameter of this "
                        + "experiment (its parameters: " + params.keySet() + "); the model was trained on another feature set "
                        + mf.features().stream().map(FeatureEncoder.Feature::name).toList());
            }
            boolean numericParam = !(p instanceof dev.orchard.engine.space.ChoiceParam c) || c.numeric();
            if (f.kind() == FeatureEncoder.Kind.ONE_HOT) {
                if (p instanceof dev.orchard.engine.space.ChoiceParam c) {
                    for (Object v : c.values()) {
                        if (!f.categories().contains(v instanceof Number n ? Double.toString(n.doubleValue()) : v.toString())) {
                            throw new CurveDataException(dir.resolve(MANIFEST) + ": parameter '" + f.name() + "' may be " + v
                                    + ", a category the model never saw (it knows " + f.categories() + ")");
                        }
                    }
                } else {
                    throw new CurveDataException(dir.resolve(MANIFEST) + ": the model's feature '" + f.name() + "' is categorical "
                            + f.categories() + " but the experiment's parameter is numeric");
                }
            } else if (!numericParam) {
                throw new CurveDataException(dir.resolve(MANIFEST) + ": the model's feature '" + f.name() + "' is numeric but the "
                        + "experiment's parameter is a choice of non-numeric values");
            }
        }
        return mf;
    }

    public static VaeCurveModel load(Path dir) throws IOException {
        Manifest mf = manifest(dir);
        var prepared = new Prepared(new FeatureEncoder(mf.features()), new CurveGrid(mf.grid()), new Normaliser(mf.environments()));
        if (mf.members() == null || mf.sha256() == null || mf.members().size() != mf.sha256().size() || mf.members().isEmpty()) {
            throw new CurveDataException(dir.resolve(MANIFEST) + ": fields 'members' and 'sha256' must list the same parameter files");
        }
        Djl.engine();
        NDManager manager = NDManager.newBaseManager(Djl.device(), "PyTorch");
        var nets = new ArrayList<CurveNet>();
        try {
            for (int m = 0; m < mf.members().size(); m++) {
                Path f = dir.resolve(mf.members().get(m));
                String hash;
                try {
                    hash = sha256(f);
                } catch (NoSuchFileException e) {
                    throw new CurveDataException(dir.resolve(MANIFEST) + ": field 'members'[" + m + "] names " + f.getFileName() + ", which is missing");
                }
                if (!hash.equals(mf.sha256().get(m))) {
                    throw new CurveDataException(dir.resolve(MANIFEST) + ": field 'sha256'[" + m + "] does not match " + f.getFileName()
                            + " (the parameter file was written by another training run or feature set)");
                }
                CurveNet net = VaeCurveModel.net(prepared, mf.hyper());
                net.initialize(manager, DataType.FLOAT32, net.inputShapes(1));
                try (var in = new DataInputStream(new BufferedInputStream(InputFiles.open(f, InputFiles.DATA_MAX)))) {
                    net.loadParameters(manager, in);
                } catch (MalformedModelException | RuntimeException e) {
                    throw new CurveDataException(f + ": parameters do not fit the network the manifest describes (" + e.getMessage() + ")");
                }
                nets.add(net);
            }
        } catch (RuntimeException | IOException e) {
            manager.close();
            throw e;
        }
        return new VaeCurveModel(prepared, mf.hyper(), mf.seed(), nets, manager, List.of(), mf.bandScale(), mf.metrics(), mf.blend());
    }

    static String sha256(Path f) throws IOException {
        try (var in = InputFiles.open(f, InputFiles.DATA_MAX)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
