package dev.orchard.engine.execute;

import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.experiment.ObjectiveSpec;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.experiment.Specimens;
import dev.orchard.engine.experiment.Sweep;
import dev.orchard.engine.json.SampleProjects;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The PyTorch sample ({@code sample-projects/pytorch-trainer}) run for real by the engine: two trials of three epochs.
 * Skipped when no Python with torch is found ({@code torch_python.py} decides, as the trainer itself does).
 */
class PytorchTrainerTest {

    @TempDir
    Path dir;
    Orchard orchard;

    @AfterEach
    void close() {
        if (orchard != null) {
            orchard.close();
        }
    }

    /** The interpreter with torch that the trainer will use, as {@code torch_python.py} reports it. */
    static Optional<String> torchPython(Path project) throws IOException, InterruptedException {
        if (!Processes.onPath("python3")) {
            return Optional.empty();
        }
        Process p = new ProcessBuilder("python3", "torch_python.py").directory(project.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return Optional.empty();
        }
        return p.exitValue() == 0 && !out.isEmpty() ? Optional.of(out) : Optional.empty();
    }

    @Test
    void twoTrialsTrainReportValidationLossAndCheckpoint() throws Exception {
        Path file = SampleProjects.sample("pytorch-trainer", "experiment.json");
        Optional<String> python = torchPython(file.getParent());
        assumeTrue(python.isPresent(), "no Python with PyTorch found (python3 on the PATH, /usr/bin/python3, "
                + "$ORCHARD_PYTHON); install torch (pip install torch / apt install python3-torch) to run this test");

        ExperimentSpec sample = Specs.read(file);
        var c = (ObjectiveSpec.Command) sample.objective();
        List<String> command = new ArrayList<>(c.command());
        int epochs = command.indexOf("--epochs");
        assertThat(epochs).as("the sample's command sets --epochs").isPositive();
        command.set(epochs + 1, "3");
        ExperimentSpec spec = sample.withBudget(2)
                .withObjective(new ObjectiveSpec.Command(command, c.workdir(), c.metric(), c.timeoutSeconds(), c.env()));

        orchard = Orchard.openInMemory(dir);
        Sweep sweep = orchard.start(spec, file.getParent());
        assertThat(Specimens.finish(sweep, Duration.ofSeconds(300))).isEqualTo(ExperimentStatus.COMPLETED);
        orchard.flush();
        long id = sweep.experimentId();

        List<Trial> trials = orchard.trials(id);
        assertThat(trials).hasSize(2);
        for (Trial t : trials) {
            String log = Files.readString(orchard.trialLog(id, t.number()));
            assertThat(t.state()).as("trial %d (%s) log:%n%s", t.number(), python.get(), log).isEqualTo(TrialState.COMPLETED);

            List<MetricPoint> ms = orchard.metrics(id, t.number());
            List<MetricPoint> valLoss = ms.stream().filter(m -> m.name().equals("val_loss")).toList();
            assertThat(valLoss).extracting(MetricPoint::step).containsExactly(1L, 2L, 3L);
            assertThat(valLoss).allSatisfy(m -> assertThat(m.value()).isPositive().isLessThan(10));
            assertThat(ms).filteredOn(m -> m.name().equals("val_acc")).hasSize(3)
                    .allSatisfy(m -> assertThat(m.value()).isBetween(0.0, 1.0));
            assertThat(t.value()).hasValue(valLoss.get(2).value());
            assertThat(t.lastStep()).isEqualTo(3);

            assertThat(log).contains("device=").contains("epoch 3/3").contains("done");
            Matcher m = Pattern.compile("checkpoints in (.+)$", Pattern.MULTILINE).matcher(log);
            assertThat(m.find()).as("the trainer names its checkpoint directory; log:%n%s", log).isTrue();
            Path checkpoint = Path.of(m.group(1).strip()).resolve("checkpoint.pt");
            assertThat(checkpoint).isRegularFile();
            assertThat(Files.size(checkpoint)).isPositive();
        }
    }
}
