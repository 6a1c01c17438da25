package dev.orchard.engine.execute;

import dev.orchard.engine.trial.GpuStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** GPU detection against fake {@code nvidia-smi} scripts placed first on the PATH given to the inventory. */
class GpuInventoryTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsAPosixShell() {
        assumeTrue(Processes.onPath("sh"), "needs sh on the PATH");
    }

    /** A PATH with {@code bin} (where the fake goes) first, then the system's, so the fake finds cat and friends. */
    String path() {
        return dir.resolve("bin") + File.pathSeparator + System.getenv("PATH");
    }

    GpuInventory fake(String body) throws Exception {
        Processes.script(dir.resolve("bin").resolve("nvidia-smi"), body);
        return new GpuInventory(path(), Duration.ofSeconds(20));
    }

    @Test
    void parsesTheQueryOutput() {
        assertThat(GpuInventory.parse("0, NVIDIA H100 80GB HBM3, 81559, 3, 1024\n1, NVIDIA H100 80GB HBM3, 81559, 97, 80000\n"))
                .containsExactly(new GpuStatus(0, "NVIDIA H100 80GB HBM3", 81559, 3, 1024),
                        new GpuStatus(1, "NVIDIA H100 80GB HBM3", 81559, 97, 80000));
    }

    @Test
    void parsingToleratesUnitsSpacesMissingValuesAndOddLines() {
        List<GpuStatus> gpus = GpuInventory.parse(String.join("\r\n",
                "  0 ,  Tesla T4 , 15360 MiB , 3 % , 0 MiB  ",
                "",
                "1, GeForce RTX 3090, 24576, [N/A], [Not Supported]",
                "2, Weird, Name, With Commas, 1000, 50, 500.5",
                "WARNING: infoROM is corrupted at gpu 0000:00:1E.0",
                "x, no index, 1, 2, 3",
                "3, too few fields"));
        assertThat(gpus).hasSize(3);
        assertThat(gpus.get(0)).isEqualTo(new GpuStatus(0, "Tesla T4", 15360, 3, 0));
        assertThat(gpus.get(1).index()).isEqualTo(1);
        assertThat(gpus.get(1).memoryTotalMiB()).isEqualTo(24576);
        assertThat(gpus.get(1).utilizationPercent()).isNaN();
        assertThat(gpus.get(1).memoryUsedMiB()).isNaN();
        assertThat(gpus.get(2)).isEqualTo(new GpuStatus(2, "Weird, Name, With Commas", 1000, 50, 500.5));
        assertThat(GpuInventory.parse("")).isEmpty();
    }

    @Test
    void detectsTheGpusAFakeNvidiaSmiReportsAndAsksForTheRightFields() throws Exception {
        Path args = dir.resolve("args");
        GpuInventory inv = fake("printf '%s\\n' \"$@\" > '" + args + "'\n"
                + "echo '0, Fake A100, 81920, 12, 2048'\necho '1, Fake A100, 81920, [N/A], 0'");
        assertThat(inv.executable()).hasValue(dir.resolve("bin").resolve("nvidia-smi"));
        List<GpuStatus> gpus = inv.detect();
        assertThat(gpus).extracting(GpuStatus::index).containsExactly(0, 1);
        assertThat(gpus.get(0)).isEqualTo(new GpuStatus(0, "Fake A100", 81920, 12, 2048));
        assertThat(gpus.get(1).utilizationPercent()).isNaN();
        assertThat(Files.readAllLines(args)).containsExactlyElementsOf(GpuInventory.QUERY);
        assertThat(inv.query().known()).isTrue();
    }

    @Test
    void noNvidiaSmiMeansNoGpusAndSaysWhy() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        GpuInventory inv = new GpuInventory(dir.resolve("empty").toString(), Duration.ofSeconds(5));
        assertThat(inv.executable()).isEmpty();
        assertThat(inv.detect()).isEmpty();
        assertThat(inv.query().known()).isFalse();
        assertThat(inv.query().problem()).hasValue("nvidia-smi not found on the PATH");
        assertThat(new GpuInventory(null, Duration.ofSeconds(5)).detect()).isEmpty();
    }

    @Test
    void aFailingNvidiaSmiMeansNoGpusAndSaysWhy() throws Exception {
        GpuInventory inv = fake("echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\"\nexit 9");
        assertThat(inv.detect()).isEmpty();
        GpuInventory.Detection d = inv.query();
        assertThat(d.known()).isFalse();
        assertThat(d.problem()).hasValueSatisfying(p -> assertThat(p)
                .startsWith("nvidia-smi exited with code 9").contains("couldn't communicate with the NVIDIA driver"));
    }

    @Test
    void aHangingNvidiaSmiIsEndedAfterTheTimeout() throws Exception {
        assumeTrue(Processes.onPath("sleep"), "needs sleep");
        Path pid = dir.resolve("pid");
        Processes.script(dir.resolve("bin").resolve("nvidia-smi"), "echo $$ > '" + pid + "'\nsleep 1000 & wait");
        GpuInventory inv = new GpuInventory(path(), Duration.ofMillis(300));
        GpuInventory.Detection d = inv.query();
        assertThat(d.gpus()).isEmpty();
        assertThat(d.problem()).hasValue("nvidia-smi did not answer within 0.3 s");
        assertThat(Processes.allGone(Processes.awaitPids(pid, 1, Duration.ofSeconds(5)), Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void numbersAreReadFromTheStartOfAField() {
        assertThat(GpuInventory.number(" 81559 MiB")).isEqualTo(81559);
        assertThat(GpuInventory.number("3 %")).isEqualTo(3);
        assertThat(GpuInventory.number("12.5")).isEqualTo(12.5);
        assertThat(GpuInventory.number("[N/A]")).isNaN();
        assertThat(GpuInventory.number("N/A")).isNaN();
        assertThat(GpuInventory.number("")).isNaN();
    }
}
