package dev.orchard.engine.execute;

import dev.orchard.engine.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The {@code resources} spec: its JSON form and the pool it builds against fake {@code nvidia-smi}s. */
class ResourceSpecTest {
    @TempDir
    Path dir;

    static ResourceSpec read(String json) throws Exception {
        return Json.SPEC.readValue(json, ResourceSpec.class);
    }

    GpuInventory twoGpus() throws Exception {
        assumeTrue(Processes.onPath("sh"), "needs sh");
        Processes.script(dir.resolve("bin").resolve("nvidia-smi"),
                "echo '0, Fake A100, 81920, 0, 0'\necho '1, Fake H100, 81559, 0, 0'");
        return new GpuInventory(dir.resolve("bin") + File.pathSeparator + System.getenv("PATH"), Duration.ofSeconds(20));
    }

    GpuInventory noNvidiaSmi() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        return new GpuInventory(dir.resolve("empty").toString(), Duration.ofSeconds(5));
    }

    @Test
    void readsSnakeCaseJsonWithDefaults() throws Exception {
        ResourceSpec s = read("{\"gpus\": [0, 1], \"cpus\": 8, \"per_trial\": {\"gpus\": 1}}");
        assertThat(s).isEqualTo(new ResourceSpec(List.of(0, 1), 8, new ResourceRequest(1, 1)));
        assertThat(read("{}")).isEqualTo(ResourceSpec.DEFAULT);
        assertThat(read("{}").perTrial()).isEqualTo(new ResourceRequest(0, 1));
        assertThat(read("{}").gpus()).isNull();
        assertThat(read("{\"per_trial\": {\"cpus\": 4}}").perTrial()).isEqualTo(new ResourceRequest(0, 4));
        assertThat(Json.write(s)).isEqualTo("{\"gpus\":[0,1],\"cpus\":8,\"per_trial\":{\"gpus\":1,\"cpus\":1}}");
        assertThat(Json.write(ResourceSpec.DEFAULT)).isEqualTo("{\"per_trial\":{\"gpus\":0,\"cpus\":1}}");
        assertThat(read(Json.write(s))).isEqualTo(s);
    }

    @Test
    void badJsonIsRejectedWithTheReason() {
        assertThatThrownBy(() -> read("{\"gpu\": [0]}")).hasMessageContaining("gpu");
        assertThatThrownBy(() -> read("{\"per_trial\": {\"gpus\": 1.5}}")).hasMessageContaining("gpus");
        assertThatThrownBy(() -> read("{\"per_trial\": {\"gpus\": -1}}")).hasMessageContaining("a trial's gpus must be >= 0, got -1");
        assertThatThrownBy(() -> read("{\"gpus\": [0, 0]}")).hasMessageContaining("resources.gpus lists GPU 0 twice");
        assertThatThrownBy(() -> read("{\"gpus\": [-3]}")).hasMessageContaining("GPU indices (integers >= 0), got -3");
        assertThatThrownBy(() -> read("{\"cpus\": 0}")).hasMessageContaining("resources.cpus must be >= 1, got 0");
    }

    @Test
    void leftOutGpusAreTheDetectedOnes() throws Exception {
        ResourcePool pool = read("{\"cpus\": 3}").pool(twoGpus());
        assertThat(pool.gpus()).containsExactly(0, 1);
        assertThat(pool.cpus()).isEqualTo(3);
        assertThat(ResourceSpec.DEFAULT.pool(noNvidiaSmi()).gpus()).isEmpty();
        assertThat(ResourceSpec.DEFAULT.pool(noNvidiaSmi()).cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void listedGpusMustExistWhenNvidiaSmiAnswers() throws Exception {
        assertThat(read("{\"gpus\": [1]}").pool(twoGpus()).gpus()).containsExactly(1);
        assertThatThrownBy(() -> read("{\"gpus\": [0, 3]}").pool(twoGpus()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resources.gpus lists GPU 3, but nvidia-smi found 0 (Fake A100), 1 (Fake H100)");
    }

    @Test
    void listedGpusAreTrustedWithoutNvidiaSmi() throws Exception {
        assertThat(read("{\"gpus\": [2, 5]}").pool(noNvidiaSmi()).gpus()).containsExactly(2, 5);
        assertThat(read("{\"gpus\": []}").pool(noNvidiaSmi()).gpus()).isEmpty();
    }

    @Test
    void aPerTrialRequestThatCouldNeverFitIsAnError() throws Exception {
        assertThatThrownBy(() -> read("{\"per_trial\": {\"gpus\": 3}}").pool(twoGpus()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("resources.per_trial: a trial needs 3 GPUs and 1 CPU slot, but there are only 2 GPUs [0, 1]");
        assertThatThrownBy(() -> read("{\"per_trial\": {\"gpus\": 1}}").pool(noNvidiaSmi()))
                .hasMessageEndingWith("(no GPU was detected)");
        assertThatThrownBy(() -> read("{\"cpus\": 2, \"per_trial\": {\"cpus\": 4}}").pool(noNvidiaSmi()))
                .hasMessageContaining("a trial needs 0 GPUs and 4 CPU slots, but there are only 0 GPUs and 2 CPU slots");
    }
}
