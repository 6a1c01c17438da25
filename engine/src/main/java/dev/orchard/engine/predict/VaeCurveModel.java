package dev.orchard.engine.predict;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The curve predictor: an ensemble of {@link CurveNet}s. Member {@code m} trains on the configurations outside inner
 * fold {@code m} (folds by configuration, so seeds of one configuration stay together), which makes the members differ
 * and leaves every training configuration held out from exactly one member: those held-out errors fit the band's scale
 * factor, so the 80 % band is calibrated on training data only. A prediction averages the members' means; its spread is
 * the calibrated root mean of their variances.
 * <p>
 * Training shows each run with a random observed prefix (none, half the time) so one network predicts from a
 * configuration alone and sharpens as a running trial's first points arrive.
 * <p>
 * Optionally ({@code blend}), a partly observed curve's forecast is stacked with the power law and the last value
 * ({@link CurveBlend}, fit on the members' out-of-fold forecasts); {@link #alone()} is the ensemble without it.
 */
public final class VaeCurveModel implements CurvePredictor, AutoCloseable {

    /** Settings of the model and its training. */
    public record Hyper(int latentEnv, int latentAgent, int hidden, int epochs, int batch, double learningRate, double beta,
                        int warmup, int members, double prefixProbability, boolean residual) {
        /** Without {@code residual} (models of earlier versions lack the field and read as false). */
        public Hyper(int latentEnv, int latentAgent, int hidden, int epochs, int batch, double learningRate, double beta,
                     int warmup, int members, double prefixProbability) {
            this(latentEnv, latentAgent, hidden, epochs, batch, learningRate, beta, warmup, members, prefixProbability, false);
        }

        public Hyper {
            if (members < 2) {
                throw new IllegalArgumentException("members must be at least 2 (the band is calibrated on the members' held-out configurations), got " + members);
            }
            if (epochs < 1 || batch < 1 || hidden < 1 || latentAgent < 1 || latentEnv < 1) {
                throw new IllegalArgumentException("epochs, batch, hidden and latent sizes must be at least 1");
            }
            if (!(beta >= 0) || warmup < 0 || !(learningRate > 0) || !(prefixProbability >= 0 && prefixProbability <= 1)) {
                throw new IllegalArgumentException("beta ≥ 0, warmup ≥ 0, learning rate > 0 and prefix probability in [0, 1]");
            }
        }

        public static Hyper defaults() {
            return new Hyper(2, 4, 32, 150, 32, 3e-3, 0.1, 30, 5, 0.5, true);
        }
    }

    /** Training progress: member, epoch (1-based) and the epoch's mean loss. */
    public interface Progress {
        void epoch(int member, int epoch, double loss);
    }

    private final Prepared prepared;
    private final Hyper hyper;
    private final long seed;
    private final List<CurveNet> nets;
    private final NDManager manager;
    private final List<Model> models;
    private final double scale;
    private final Map<String, Double> metrics;
    /** Stacking with the power law and the last value for a partly observed curve; null: the model alone (models of version 1). */
    private final CurveBlend blend;

    VaeCurveModel(Prepared prepared, Hyper hyper, long seed, List<CurveNet> nets, NDManager manager, List<Model> models, double scale,
                  Map<String, Double> metrics, CurveBlend blend) {
        this.prepared = prepared;
        this.hyper = hyper;
        this.seed = seed;
        this.nets = List.copyOf(nets);
        this.manager = manager;
        this.models = List.copyOf(models);
        this.scale = scale;
        this.metrics = Map.copyOf(metrics);
        this.blend = blend;
    }

    static CurveNet net(Prepared p, Hyper h) {
        return new CurveNet(p.encoder().width("env"), p.encoder().width("agent"), h.latentEnv(), h.latentAgent(), h.hidden(), p.grid().size(),
                h.residual());
    }

    /** A model without the blend (the ensemble alone, also for partly observed curves). */
    public static VaeCurveModel train(Prepared prepared, List<Row> train, Hyper hyper, long seed, Progress progress) {
        return train(prepared, train, hyper, seed, false, progress);
    }

    /**
     * Trains the ensemble; with {@code blend}, also fits the {@link CurveBlend} of partly observed curves on the members'
     * out-of-fold forecasts (training data only).
     */
    public static VaeCurveModel train(Prepared prepared, List<Row> train, Hyper hyper, long seed, boolean blend, Progress progress) {
        var groups = new ArrayList<String>();
        train.forEach(r -> {
            if (!groups.contains(r.run().group())) {
                groups.add(r.run().group());
            }
        });
        if (groups.size() < hyper.members()) {
            throw new CurveDataException("only " + groups.size() + " configurations to train on; the model needs at least " + hyper.members()
                    + " (one held out per ensemble member)");
        }
        // configurations dealt to inner folds in a seeded order
        var order = new ArrayList<>(groups);
        java.util.Collections.shuffle(order, new java.util.Random(seed));
        var fold = new LinkedHashMap<String, Integer>();
        for (int i = 0; i < order.size(); i++) {
            fold.put(order.get(i), i % hyper.members());
        }
        var engine = Djl.engine();
        var nets = new ArrayList<CurveNet>();
        var models = new ArrayList<Model>();
        var ratios = new ArrayList<Double>();
        var blendSamples = new ArrayList<CurveBlend.Sample>();
        double lastLoss = Double.NaN;
        for (int m = 0; m < hyper.members(); m++) {
            final int member = m;
            List<Row> mine = train.stream().filter(r -> fold.get(r.run().group()) != member).toList();
            List<Row> held = train.stream().filter(r -> fold.get(r.run().group()) == member).toList();
            engine.setRandomSeed((int) (seed * 31 + m));
            Model model = Model.newInstance("curves-" + m, Djl.device(), "PyTorch");
            CurveNet net = net(prepared, hyper);
            model.setBlock(net);
            ElboLoss loss = new ElboLoss(net.hasEnv());
            var config = new DefaultTrainingConfig(loss)
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) hyper.learningRate())).build())
                    .optDevices(new ai.djl.Device[]{Djl.device()})
                    .addTrainingListeners(TrainingListener.Defaults.basic());
            SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + m);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(net.inputShapes(hyper.batch()));
                int[] idx = new int[mine.size()];
                for (int e = 1; e <= hyper.epochs(); e++) {
                    loss.beta(hyper.beta() * (hyper.warmup() == 0 ? 1 : Math.min(1.0, (double) e / hyper.warmup())));
                    for (int i = 0; i < idx.length; i++) {
                        idx[i] = i;
                    }
                    for (int i = idx.length - 1; i > 0; i--) {
                        int j = rng.nextInt(i + 1);
                        int t = idx[i];
                        idx[i] = idx[j];
                        idx[j] = t;
                    }
                    double sum = 0;
                    int batches = 0;
                    for (int from = 0; from < idx.length; from += hyper.batch()) {
                        int to = Math.min(idx.length, from + hyper.batch());
                        var batch = new ArrayList<Row>();
                        for (int i = from; i < to; i++) {
                            Row r = mine.get(idx[i]);
                            int n = r.curve().observed();
                            int k = rng.nextDouble() < hyper.prefixProbability() && n > 1 ? 1 + rng.nextInt(n - 1) : 0;
                            batch.add(r.withCurve(new CurveGrid.Masked(r.curve().values(), r.curve().prefix(k).mask())));
                        }
                        try (NDManager sub = trainer.getManager().newSubManager()) {
                            NDList in = inputs(sub, net, batch);
                            NDList labels = labels(sub, net, batch, mine, idx, from, to);
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDList out = trainer.forward(in, labels);
                                NDArray l = loss.evaluate(labels, out);
                                gc.backward(l);
                                sum += l.getFloat();
                            }
                            trainer.step();
                        }
                        batches++;
                    }
                    lastLoss = sum / batches;
                    if (!Double.isFinite(lastLoss)) {
                        throw new IllegalStateException("training diverged (loss " + lastLoss + " in epoch " + e + " of member " + m
                                + "); lower the learning rate");
                    }
                    progress.epoch(m, e, lastLoss);
                }
            }
            nets.add(net);
            models.add(model);
            // held-out standardised errors of this member, with and without a prefix, for the band's scale
            for (Row r : held) {
                int n = r.curve().observed();
                for (double frac : new double[]{0, 0.1, 0.2, 0.5}) {
                    int k = (int) Math.round(frac * n);
                    Band b = predictMember(net, model.getNDManager(), r.withCurve(r.curve().prefix(k)));
                    boolean[] pre = r.curve().prefix(k).mask();
                    for (int i = 0; i < b.mean().length; i++) {
                        if (r.curve().mask()[i] && !pre[i]) {
                            ratios.add(Math.abs(r.curve().values()[i] - b.mean()[i]) / b.sd()[i]);
                        }
                    }
                }
            }
            if (!blend) {
                continue;
            }
            // out-of-fold forecasts of this member from prefixes of its held-out runs: what the blend is fit on
            var queries = new ArrayList<Row>();
            var truths = new ArrayList<CurveGrid.Masked>();
            for (Row r : held) {
                int n = r.curve().observed();
                for (double frac : CurveBlend.FRACTIONS) {
                    int k = (int) Math.round(frac * n);
                    if (k >= 1 && k < n) {
                        queries.add(r.withCurve(r.curve().prefix(k)));
                        truths.add(r.curve());
                    }
                }
            }
            var bands = predictMember(net, model.getNDManager(), queries);
            for (int i = 0; i < queries.size(); i++) {
                blendSamples.add(new CurveBlend.Sample(truths.get(i), queries.get(i).curve(), bands.get(i).mean(), bands.get(i).sd()));
            }
        }
        CurveBlend stacking = blend ? CurveBlend.fit(blendSamples, Baselines.PowerLaw.time(prepared.grid()), range(train)) : null;
        double[] q = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double scale = q.length == 0 ? 1 : q[(int) Math.min(q.length - 1, Math.floor(0.8 * q.length))] / Z80;
        var metrics = new LinkedHashMap<String, Double>();
        metrics.put("final_loss", lastLoss);
        metrics.put("band_scale", scale);
        metrics.put("train_runs", (double) train.size());
        metrics.put("train_configurations", (double) groups.size());
        return new VaeCurveModel(prepared, hyper, seed, nets, null, models, scale, metrics, stacking);
    }

    /** The lowest and highest normalised value of the training curves (the power law's clamp). */
    static double[] range(List<Row> train) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Row r : train) {
            for (int i = 0; i < r.curve().values().length; i++) {
                if (r.curve().mask()[i]) {
                    lo = Math.min(lo, r.curve().values()[i]);
                    hi = Math.max(hi, r.curve().values()[i]);
                }
            }
        }
        return new double[]{lo, hi};
    }

    /** How many of the last observed points a residual model's anchor averages (one point is as noisy as the curve). */
    static final int ANCHOR_POINTS = 3;

    private static NDList inputs(NDManager m, CurveNet net, List<Row> rows) {
        int b = rows.size(), g = net.grid;
        float[] env = new float[b * Math.max(1, net.envIn)];
        float[] agent = new float[b * net.agentIn];
        float[] prefix = new float[b * 2 * g];
        float[] anchor = new float[b];
        for (int i = 0; i < b; i++) {
            Row r = rows.get(i);
            // the anchor of a residual model: the mean of the last ANCHOR_POINTS observed values (0 without a prefix)
            double sum = 0;
            int seen = 0;
            for (int j = g - 1; j >= 0 && seen < ANCHOR_POINTS; j--) {
                if (r.curve().mask()[j]) {
                    sum += r.curve().values()[j];
                    seen++;
                }
            }
            anchor[i] = seen == 0 ? 0 : (float) (sum / seen);
            System.arraycopy(r.env(), 0, env, i * Math.max(1, net.envIn), r.env().length);
            System.arraycopy(r.agent(), 0, agent, i * net.agentIn, net.agentIn);
            for (int j = 0; j < g; j++) {
                if (r.curve().mask()[j]) {
                    prefix[i * 2 * g + j] = (float) r.curve().values()[j];
                    prefix[i * 2 * g + g + j] = 1;
                }
            }
        }
        return new NDList(m.create(env, new Shape(b, Math.max(1, net.envIn))), m.create(agent, new Shape(b, net.agentIn)),
                m.create(prefix, new Shape(b, 2L * g)), m.create(anchor, new Shape(b, 1)));
    }

    /** Labels: the whole curves (not only the prefix the inputs show). */
    private static NDList labels(NDManager m, CurveNet net, List<Row> batch, List<Row> all, int[] idx, int from, int to) {
        int b = to - from, g = net.grid;
        float[] y = new float[b * g], mask = new float[b * g];
        for (int i = 0; i < b; i++) {
            Row r = all.get(idx[from + i]);
            boolean[] shown = batch.get(i).curve().mask();
            for (int j = 0; j < g; j++) {
                // a residual model is scored on what it forecasts: the points its input did not show
                if (r.curve().mask()[j] && !(net.residual && shown[j])) {
                    y[i * g + j] = (float) r.curve().values()[j];
                    mask[i * g + j] = 1;
                }
            }
        }
        NDList in = inputs(m, net, batch);
        return new NDList(m.create(y, new Shape(b, g)), m.create(mask, new Shape(b, g)), in.get(1), in.get(0));
    }

    private static Band predictMember(CurveNet net, NDManager parent, Row q) {
        return predictMember(net, parent, List.of(q)).get(0);
    }

    /** One member's forecasts for several queries in one forward pass (256 at a time). */
    private static List<Band> predictMember(CurveNet net, NDManager parent, List<Row> qs) {
        var bands = new ArrayList<Band>();
        int g = net.grid;
        for (int from = 0; from < qs.size(); from += 256) {
            var part = qs.subList(from, Math.min(qs.size(), from + 256));
            try (NDManager sub = parent.newSubManager()) {
                NDList out = net.forward(new ParameterStore(sub, false), inputs(sub, net, part), false);
                float[] mean = out.get(0).toFloatArray();
                float[] lv = out.get(1).toFloatArray();
                for (int r = 0; r < part.size(); r++) {
                    double[] m = new double[g], s = new double[g];
                    for (int i = 0; i < g; i++) {
                        m[i] = mean[r * g + i];
                        s[i] = Math.exp(0.5 * lv[r * g + i]);
                    }
                    bands.add(new Band(m, s));
                }
            }
        }
        return bands;
    }

    @Override
    public String name() {
        return "vae-ensemble";
    }

    @Override
    public synchronized Band predict(Row q) {
        Band raw = ensemble(q);
        if (blend != null && q.curve().last() >= 0) {
            return blend.apply(Baselines.PowerLaw.time(prepared.grid()), q.curve(), raw.mean(), raw.sd());
        }
        double[] sd = new double[raw.sd().length];
        for (int i = 0; i < sd.length; i++) {
            sd[i] = scale * raw.sd()[i];
        }
        return new Band(raw.mean(), sd);
    }

    /** The name of {@link #alone()}. */
    public static final String ALONE = "vae-alone";

    /** The model without the blend: the ensemble alone, its band scaled by {@link #bandScale()} (for comparison). */
    public CurvePredictor alone() {
        return new CurvePredictor() {
            @Override
            public String name() {
                return ALONE;
            }

            @Override
            public Band predict(Row q) {
                synchronized (VaeCurveModel.this) {
                    Band raw = ensemble(q);
                    double[] sd = new double[raw.sd().length];
                    for (int i = 0; i < sd.length; i++) {
                        sd[i] = scale * raw.sd()[i];
                    }
                    return new Band(raw.mean(), sd);
                }
            }
        };
    }

    /** The members' mean and the root of their mean variance (no band scale). */
    private Band ensemble(Row q) {
        int g = prepared.grid().size();
        double[] mean = new double[g], var = new double[g];
        for (int m = 0; m < nets.size(); m++) {
            Band b = predictMember(nets.get(m), manager(m), q);
            for (int i = 0; i < g; i++) {
                mean[i] += b.mean()[i] / nets.size();
                var[i] += b.sd()[i] * b.sd()[i] / nets.size();
            }
        }
        double[] sd = new double[g];
        for (int i = 0; i < g; i++) {
            sd[i] = Math.sqrt(var[i]);
        }
        return new Band(mean, sd);
    }

    private NDManager manager(int member) {
        return manager != null ? manager : models.get(member).getNDManager();
    }

    /** One configuration drawn from the latent space, decoded, with its predicted curve (member 0's latent space). */
    public record Sample(Map<String, Object> config, Band band) {
    }

    /**
     * Configurations and curves drawn from the latents: z ~ N(0, I) for the agent (and environment) latent of the
     * first member, decoded into features (numbers clamped to the training range, choices by arg-max) and a curve.
     */
    public synchronized List<Sample> sample(int n, long sampleSeed) {
        CurveNet net = nets.get(0);
        SplittableRandom rng = new SplittableRandom(sampleSeed);
        var out = new ArrayList<Sample>();
        try (NDManager sub = manager(0).newSubManager()) {
            for (int s = 0; s < n; s++) {
                float[] za = gaussian(rng, net.latentAgent);
                float[] ze = gaussian(rng, Math.max(1, net.latentEnv));
                NDList o = net.decode(new ParameterStore(sub, false), sub.create(ze, new Shape(1, ze.length)),
                        sub.create(za, new Shape(1, za.length)), sub.zeros(new Shape(1, 2L * net.grid), DataType.FLOAT32));
                float[] mean = o.get(0).toFloatArray(), lv = o.get(1).toFloatArray();
                var config = new LinkedHashMap<String, Object>(prepared.encoder().decode(o.get(2).toFloatArray(), "agent"));
                if (net.hasEnv()) {
                    config.putAll(prepared.encoder().decode(o.get(3).toFloatArray(), "env"));
                }
                double[] m = new double[mean.length], sd = new double[mean.length];
                for (int i = 0; i < m.length; i++) {
                    m[i] = mean[i];
                    sd[i] = scale * Math.exp(0.5 * lv[i]);
                }
                out.add(new Sample(config, new Band(m, sd)));
            }
        }
        return out;
    }

    private static float[] gaussian(SplittableRandom rng, int n) {
        float[] z = new float[n];
        for (int i = 0; i < n; i++) {
            // Box–Muller
            double u = 1 - rng.nextDouble(), v = rng.nextDouble();
            z[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        return z;
    }

    public Prepared prepared() {
        return prepared;
    }

    public Hyper hyper() {
        return hyper;
    }

    public long seed() {
        return seed;
    }

    public double bandScale() {
        return scale;
    }

    public Map<String, Double> metrics() {
        return metrics;
    }

    /** The stacking of a partly observed curve's forecast, or empty for a model saved before it existed. */
    public java.util.Optional<CurveBlend> blend() {
        return java.util.Optional.ofNullable(blend);
    }

    List<CurveNet> nets() {
        return nets;
    }

    @Override
    public void close() {
        models.forEach(Model::close);
        if (manager != null) {
            manager.close();
        }
    }

    @Override
    public String toString() {
        return "VaeCurveModel" + Arrays.asList(hyper, seed, scale);
    }
}
