package dev.orchard.app;

import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.experiment.ObjectiveSpec;
import dev.orchard.engine.json.Specs;

import java.nio.file.Path;

/** The quick-start sample, as is or made quicker for tests. */
public final class TestSpecs {
    private TestSpecs() {
    }

    public static Path sampleFile() {
        String root = System.getProperty("orchard.repo.root");
        Path base = root == null ? Path.of("..") : Path.of(root);
        return base.resolve("sample-projects/branin-quickstart/experiment.json").toAbsolutePath().normalize();
    }

    public static ExperimentSpec sample() {
        return Specs.read(sampleFile());
    }

    /**
     * The sample with another budget and a per-trial delay (ms), 10 curve steps. The tests keep the delay at least 1:
     * engines before the fix of FAIL_ON_NULL_FOR_PRIMITIVES wrote a delay_ms of 0 into exports they could not read.
     */
    public static ExperimentSpec sample(int budget, long delayMs) {
        return sample().withBudget(budget).withObjective(new ObjectiveSpec.Builtin("branin", 10, delayMs));
    }
}
