package dev.orchard.engine.predict;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * The DJL PyTorch engine, set up before it loads: offline (the CPU natives come from the Maven jar; nothing is
 * downloaded), no usage tracking, and one intra-op thread unless the user sets {@code ai.djl.pytorch.num_threads}
 * (the models are small: more threads cost more in synchronisation than they gain). With a libtorch of the matching
 * version named by {@code PYTORCH_LIBRARY_PATH}/{@code PYTORCH_VERSION}/{@code PYTORCH_FLAVOR}, DJL uses it, CUDA included.
 */
final class Djl {
    private Djl() {
    }

    static synchronized Engine engine() {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.setProperty("OPT_OUT_TRACKING", System.getProperty("OPT_OUT_TRACKING", "true"));
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
        System.setProperty("ai.djl.pytorch.num_interop_threads", System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
        try {
            return Engine.getEngine("PyTorch");
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new IllegalStateException("the PyTorch engine of DJL did not load (" + e.getMessage() + "); the CPU natives come with "
                    + "Orchard, a CUDA libtorch is named by PYTORCH_LIBRARY_PATH, PYTORCH_VERSION=2.7.1, PYTORCH_FLAVOR", e);
        }
    }

    static Device device() {
        return engine().defaultDevice();
    }
}
