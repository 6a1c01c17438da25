package dev.orchard.engine.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The network of one ensemble member: an environment VAE (when there are environment features) and an agent VAE
 * compress the configuration into latents; the predictor maps the joined latents and the observed prefix of the curve
 * (values and mask on the grid; all zero for a configuration alone) to a mean and a log-variance at every grid point.
 * <p>
 * Inputs: env features {@code [B, max(1, envIn)]}, agent features {@code [B, agentIn]}, prefix {@code [B, 2·grid]}.
 * Outputs: mean, log-variance {@code [B, grid]}; agent μ, log σ², reconstruction; and the same three for the environment
 * when it has features. Training samples the latents (reparameterisation); prediction uses their means.
 */
final class CurveNet extends AbstractBlock {
    private static final byte VERSION = 1;

    final int envIn, agentIn, latentEnv, latentAgent, grid;
    /** The mean is the last observed value plus the network's output (the change from there), not the output alone. */
    final boolean residual;
    private final Block envEncoder, envDecoder, agentEncoder, agentDecoder, predictor;

    CurveNet(int envIn, int agentIn, int latentEnv, int latentAgent, int hidden, int grid, boolean residual) {
        super(VERSION);
        this.residual = residual;
        this.envIn = envIn;
        this.agentIn = agentIn;
        this.latentEnv = envIn > 0 ? latentEnv : 0;
        this.latentAgent = latentAgent;
        this.grid = grid;
        agentEncoder = addChildBlock("agent_encoder", mlp(hidden, 2 * latentAgent, Activation::tanh));
        agentDecoder = addChildBlock("agent_decoder", mlp(hidden, agentIn, Activation::tanh));
        envEncoder = envIn > 0 ? addChildBlock("env_encoder", mlp(hidden, 2 * latentEnv, Activation::tanh)) : null;
        envDecoder = envIn > 0 ? addChildBlock("env_decoder", mlp(hidden, envIn, Activation::tanh)) : null;
        predictor = addChildBlock("predictor", new SequentialBlock()
                .add(Linear.builder().setUnits(2L * hidden).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(2L * hidden).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(2L * grid).build()));
    }

    private static SequentialBlock mlp(int hidden, int out, java.util.function.Function<NDList, NDList> act) {
        return new SequentialBlock().add(Linear.builder().setUnits(hidden).build()).add(act).add(Linear.builder().setUnits(out).build());
    }

    boolean hasEnv() {
        return envEncoder != null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
        NDList out = new NDList();
        NDList head = new NDList();
        if (hasEnv()) {
            NDArray stats = envEncoder.forward(ps, new NDList(in.get(0)), training).singletonOrThrow();
            NDArray mu = stats.get(":, 0:" + latentEnv);
            NDArray lv = stats.get(":, " + latentEnv + ":");
            NDArray z = training ? sample(mu, lv) : mu;
            head.add(z);
            out.add(mu);
            out.add(lv);
            out.add(envDecoder.forward(ps, new NDList(z), training).singletonOrThrow());
        }
        NDArray stats = agentEncoder.forward(ps, new NDList(in.get(1)), training).singletonOrThrow();
        NDArray mu = stats.get(":, 0:" + latentAgent);
        NDArray lv = stats.get(":, " + latentAgent + ":");
        NDArray z = training ? sample(mu, lv) : mu;
        head.add(z);
        head.add(in.get(2));
        NDArray curve = predictor.forward(ps, new NDList(NDArrays.concat(head, 1)), training).singletonOrThrow();
        NDArray mean = curve.get(":, 0:" + grid);
        if (residual && in.size() > 3) {
            mean = mean.add(in.get(3)); // [B, 1]: the last observed value, 0 without a prefix
        }
        // a bounded log-variance (−7 … 5) keeps the likelihood from rewarding a collapsing variance
        NDArray logVar = curve.get(":, " + grid + ":").div(6f).tanh().mul(6f).sub(1f);
        NDList result = new NDList(mean, logVar, mu, lv, agentDecoder.forward(ps, new NDList(z), training).singletonOrThrow());
        result.addAll(out);
        return result;
    }

    /** The latents from the decoder's side: a prediction for latents drawn directly (latent-space sampling). */
    NDList decode(ParameterStore ps, NDArray zEnv, NDArray zAgent, NDArray prefix) {
        NDList head = new NDList();
        NDList out = new NDList();
        if (hasEnv()) {
            head.add(zEnv);
        }
        head.add(zAgent);
        head.add(prefix);
        NDArray curve = predictor.forward(ps, new NDList(NDArrays.concat(head, 1)), false).singletonOrThrow();
        out.add(curve.get(":, 0:" + grid));
        out.add(curve.get(":, " + grid + ":").div(6f).tanh().mul(6f).sub(1f));
        out.add(agentDecoder.forward(ps, new NDList(zAgent), false).singletonOrThrow());
        if (hasEnv()) {
            out.add(envDecoder.forward(ps, new NDList(zEnv), false).singletonOrThrow());
        }
        return out;
    }

    private static NDArray sample(NDArray mu, NDArray logVar) {
        NDArray eps = mu.getManager().randomNormal(mu.getShape());
        return mu.add(logVar.mul(0.5f).exp().mul(eps));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        long b = in[1].get(0);
        Shape[] s = new Shape[hasEnv() ? 8 : 5];
        s[0] = new Shape(b, grid);
        s[1] = new Shape(b, grid);
        s[2] = new Shape(b, latentAgent);
        s[3] = new Shape(b, latentAgent);
        s[4] = new Shape(b, agentIn);
        if (hasEnv()) {
            s[5] = new Shape(b, latentEnv);
            s[6] = new Shape(b, latentEnv);
            s[7] = new Shape(b, envIn);
        }
        return s;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType type, Shape... in) {
        long b = in[1].get(0);
        agentEncoder.initialize(manager, type, new Shape(b, agentIn));
        agentDecoder.initialize(manager, type, new Shape(b, latentAgent));
        if (hasEnv()) {
            envEncoder.initialize(manager, type, new Shape(b, envIn));
            envDecoder.initialize(manager, type, new Shape(b, latentEnv));
        }
        predictor.initialize(manager, type, new Shape(b, latentEnv + latentAgent + 2L * grid));
    }

    Shape[] inputShapes(int batch) {
        return new Shape[]{new Shape(batch, Math.max(1, envIn)), new Shape(batch, agentIn), new Shape(batch, 2L * grid), new Shape(batch, 1)};
    }
}
