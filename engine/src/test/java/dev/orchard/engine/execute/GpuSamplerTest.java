package dev.orchard.engine.execute;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.events.EventBus;
import dev.orchard.engine.trial.GpuStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The sampler against a fake {@code nvidia-smi} whose numbers change on every call. */
class GpuSamplerTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsAPosixShell() {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("cat"), "needs sh and cat on the PATH");
    }

    @Test
    void publishesASampleOfEveryGpuAtEachInterval() throws Exception {
        Path count = dir.resolve("count");
        Processes.script(dir.resolve("bin").resolve("nvidia-smi"), String.join("\n",
                "n=$(cat '" + count + "' 2>/dev/null || echo 0)",
                "n=$((n + 1))",
                "echo $n > '" + count + "'",
                "echo \"0, Fake GPU, 81559, $n, $((n * 100))\"",
                "echo \"1, Fake GPU, 81559, [N/A], 7\""));
        var inventory = new GpuInventory(dir.resolve("bin") + File.pathSeparator + System.getenv("PATH"), Duration.ofSeconds(20));
        var bus = new EventBus();
        List<EngineEvent.GpuUsage> samples = new CopyOnWriteArrayList<>();
        var three = new CountDownLatch(3);
        bus.subscribe(e -> {
            if (e instanceof EngineEvent.GpuUsage u) {
                samples.add(u);
                three.countDown();
            }
        });
        int published;
        try (GpuSampler sampler = new GpuSampler(inventory, bus, Duration.ofMillis(20)).start()) {
            assertThat(three.await(60, TimeUnit.SECONDS)).as("three samples arrive").isTrue();
            assertThatThrownBy(sampler::start).isInstanceOf(IllegalStateException.class);
            sampler.close();
            published = samples.size();
        }
        EngineEvent.GpuUsage first = samples.get(0);
        assertThat(first.experimentId()).isEqualTo(-1);
        assertThat(first.gpus()).hasSize(2);
        assertThat(first.gpus().get(1).utilizationPercent()).isNaN();
        // each sample is a new query: the fake's counter goes up by one per call
        List<Double> util = samples.stream().map(s -> s.gpus().get(0).utilizationPercent()).toList();
        assertThat(util.subList(0, 3)).containsExactly(1.0, 2.0, 3.0);
        assertThat(samples.get(2).gpus().get(0)).isEqualTo(new GpuStatus(0, "Fake GPU", 81559, 3, 300));
        assertThat(samples).extracting(EngineEvent.GpuUsage::atMillis).isSorted();

        // closed: nothing more is published, and the fake is no longer called
        String calls = Files.readString(count).strip();
        Thread.sleep(200);
        assertThat(samples).hasSize(published);
        assertThat(Files.readString(count).strip()).isEqualTo(calls);
    }

    @Test
    void aMachineWithoutNvidiaSmiPublishesNothing() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        var bus = new EventBus();
        List<EngineEvent> events = new CopyOnWriteArrayList<>();
        bus.subscribe(events::add);
        try (GpuSampler sampler = new GpuSampler(new GpuInventory(dir.resolve("empty").toString(), Duration.ofSeconds(5)),
                bus, Duration.ofMillis(10)).start()) {
            Thread.sleep(100);
        }
        assertThat(events).isEmpty();
    }

    @Test
    void theIntervalMustBePositive() {
        var inv = new GpuInventory("", Duration.ofSeconds(1));
        assertThatThrownBy(() -> new GpuSampler(inv, new EventBus(), Duration.ZERO))
                .hasMessageContaining("interval must be positive");
    }
}
