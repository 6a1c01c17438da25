package dev.orchard.engine.experiment;

import dev.orchard.engine.json.SpecException;
import dev.orchard.engine.json.Specs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The commands a spec would run, found wherever they are, and the shell-script checks a spec gets before it runs. */
@Timeout(60)
class SpecCommandsTest {
    static final String PIPELINE = """
            {"format": "orchard.experiment/1", "name": "p",
             "space": {"params": [{"name": "lr", "type": "uniform", "low": 0, "high": 1},
                                  {"name": "act", "type": "choice", "values": ["relu", "tanh"]}]},
             "objective": {"type": "command", "command": "python3 train.py --lr {lr}", "metric": "loss"},
             "budget": 2,
             "pipeline": {"stages": [
               {"name": "a", "type": "sweep", "config": {"budget": 2}},
               {"name": "b", "type": "sweep", "config": {"budget": 2, "objective":
                  {"type": "command", "command": ["bash", "-c", "./run.sh --act {act} --lr {lr}"], "workdir": "sub", "metric": "loss"}}}
             ]}}
            """;

    @Test
    void findsTheExperimentsAndEveryStagesCommandWithItsFolder() {
        Path base = Path.of("/work/project");
        List<SpecCommands.Use> uses = SpecCommands.of(Specs.parse(PIPELINE, "p"), base);
        assertThat(uses).containsExactly(
                new SpecCommands.Use(List.of("python3", "train.py", "--lr", "{lr}"), base),
                new SpecCommands.Use(List.of("bash", "-c", "./run.sh --act {act} --lr {lr}"), base.resolve("sub")));
        assertThat(uses.get(1).text()).isEqualTo("bash -c './run.sh --act {act} --lr {lr}'");
        assertThat(new SpecCommands.Use(List.of("echo", "it's", ""), base).text()).isEqualTo("echo 'it'\\''s' ''");
        assertThat(SpecCommands.of(Specimens.branin("sobol", 2, 1, 1, 0, 0), base)).isEmpty();
    }

    @Test
    void aShellScriptsPlaceholdersAreCheckedWhenTheSpecIs() {
        String spec = """
                {"format": "orchard.experiment/1", "name": "s",
                 "space": {"params": [{"name": "n", "type": "int", "low": 1, "high": 9},
                                      {"name": "act", "type": "choice", "values": ["relu", "tanh"]}]},
                 "objective": {"type": "command", "command": COMMAND}, "budget": 2}
                """;
        Specs.parse(spec.replace("COMMAND", "[\"sh\", \"-c\", \"cat <<EOF\\n{n}\\nEOF\\ntrain --act {act}\"]"), "s");
        assertThatThrownBy(() -> Specs.parse(spec.replace("COMMAND", "[\"sh\", \"-c\", \"cat <<EOF\\n{act}\\nEOF\"]"), "s"))
                .isInstanceOf(SpecException.class).hasMessageContaining("$.objective.command[2]")
                .hasMessageContaining("{act} is inside a here-document of the sh -c script");
        assertThatThrownBy(() -> Specs.parse(spec.replace("COMMAND", "\"fish -c 'train {act}'\""), "s"))
                .isInstanceOf(SpecException.class).hasMessageContaining("$.objective.command[2]").hasMessageContaining("not POSIX");
        // a stage's command is checked too
        assertThatThrownBy(() -> Specs.parse(PIPELINE.replace("./run.sh --act {act}", "echo $(( {act} ))"), "p"))
                .isInstanceOf(SpecException.class).hasMessageContaining("{act} is inside $((...))");
    }
}
