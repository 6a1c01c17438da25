package dev.orchard.engine.json;

import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.experiment.ObjectiveSpec;
import dev.orchard.engine.experiment.OptimizerSpec;
import dev.orchard.engine.schedule.SchedulerSpec;
import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.LogUniformParam;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading, checking and writing experiment specs: every problem names where it is. */
class SpecsTest {

    static final String VALID = """
            {
              "format": "orchard.experiment/1",
              "name": "t",
              "space": {"params": [
                {"name": "x1", "type": "uniform", "low": -5, "high": 10},
                {"name": "x2", "type": "uniform", "low": 0, "high": 15}
              ]},
              "optimizer": "sobol",
              "scheduler": {"type": "sync_batch", "batch_size": 2},
              "objective": {"type": "builtin", "function": "branin"},
              "budget": 10,
              "seed": 3
            }
            """;

    static final String COMMAND = """
            {
              "format": "orchard.experiment/1",
              "name": "cmd",
              "space": {"params": [{"name": "lr", "type": "log_uniform", "low": 1e-4, "high": 1}]},
              "objective": {"type": "command", "command": "python3 train.py --lr {lr} --trial {trial}", "metric": "loss"},
              "budget": 2
            }
            """;

    static ExperimentSpec parse(String text) {
        return Specs.parse(text, "spec.json");
    }

    static AbstractThrowableAssert<?, ? extends Throwable> rejects(String text, String path, String problem) {
        return assertThatThrownBy(() -> parse(text)).isInstanceOf(SpecException.class)
                .hasMessageStartingWith("spec.json")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(((SpecException) e).path()).isEqualTo(path));
    }

    @Test
    void readsTheBraninQuickstartSample() {
        Path file = SampleProjects.sample("branin-quickstart", "experiment.json");
        ExperimentSpec spec = Specs.read(file);
        assertThat(spec.format()).isEqualTo(ExperimentSpec.FORMAT);
        assertThat(spec.name()).isEqualTo("branin-quickstart");
        assertThat(spec.space().params()).extracting(p -> p.name()).containsExactly("x1", "x2");
        assertThat(spec.space().params().get(0)).isEqualTo(new UniformParam("x1", -5, 10));
        assertThat(spec.optimizer().name()).isEqualTo("auto");
        assertThat(spec.scheduler()).isEqualTo(new SchedulerSpec("sync_batch", 4));
        assertThat(spec.objective()).isEqualTo(new ObjectiveSpec.Builtin("branin", 10, 120));
        assertThat(spec.budget()).isEqualTo(64);
        assertThat(spec.seed()).isEqualTo(7L);
        assertThat(spec.direction()).isEqualTo(Direction.MINIMIZE);
    }

    @Test
    void readsThePythonTrainerSample() {
        ExperimentSpec spec = Specs.read(SampleProjects.sample("python-trainer", "experiment.json"));
        var c = (ObjectiveSpec.Command) spec.objective();
        assertThat(c.command()).containsExactly("python3", "train.py", "--lr", "{lr}", "--epochs", "{epochs}",
                "--momentum", "{momentum}");
        assertThat(c.metric()).isEqualTo("loss");
        assertThat(spec.optimizer().name()).isEqualTo("sobol");
        assertThat(spec.space().params()).extracting(p -> p.name()).containsExactly("lr", "epochs", "momentum");
    }

    @Test
    void readsThePytorchTrainerSample() {
        ExperimentSpec spec = Specs.read(SampleProjects.sample("pytorch-trainer", "experiment.json"));
        var c = (ObjectiveSpec.Command) spec.objective();
        assertThat(c.command()).startsWith("python3", "train.py").contains("{lr}", "{hidden}", "{dropout}", "{optimizer}", "--epochs");
        assertThat(c.metric()).isEqualTo("val_loss");
        assertThat(spec.scheduler()).isEqualTo(new SchedulerSpec("sync_batch", 2));
        assertThat(spec.direction()).isEqualTo(Direction.MINIMIZE);
        assertThat(spec.space().params()).extracting(p -> p.name()).containsExactly("lr", "hidden", "dropout", "optimizer");
    }

    @Test
    void defaultsFillWhatIsLeftOut() {
        ExperimentSpec spec = parse(COMMAND);
        assertThat(spec.optimizer().name()).isEqualTo("auto");
        assertThat(spec.scheduler()).isEqualTo(SchedulerSpec.DEFAULT);
        assertThat(spec.seed()).isZero();
        assertThat(spec.direction()).isEqualTo(Direction.MINIMIZE);
        assertThat(((ObjectiveSpec.Command) spec.objective()).command())
                .containsExactly("python3", "train.py", "--lr", "{lr}", "--trial", "{trial}");
    }

    @Test
    void syntaxErrorsGiveLineAndColumn() {
        String broken = VALID.replace("\"budget\": 10,", "\"budget\": 10,,");
        assertThatThrownBy(() -> parse(broken)).isInstanceOf(SpecException.class)
                .satisfies(e -> {
                    var s = (SpecException) e;
                    assertThat(s.line()).isEqualTo(11);
                    assertThat(s.column()).isPositive();
                    assertThat(s.getMessage()).startsWith("spec.json:11:" + s.column() + ": ").contains("invalid JSON");
                });
        assertThatThrownBy(() -> parse("{\"format\": \"orchard.experiment/1\",\n \"name\": \"x\"")).isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(((SpecException) e).line()).isEqualTo(2));
    }

    @Test
    void unknownPropertyNamesItsPath() {
        rejects(VALID.replace("\"low\": -5", "\"lowx\": -5"), "$.space.params[0].lowx", "unknown property 'lowx'");
        rejects(VALID.replace("\"seed\": 3", "\"sead\": 3"), "$.sead", "unknown property 'sead'");
    }

    @Test
    void stringsAreNotCoercedToNumbers() {
        rejects(VALID.replace("\"low\": 0", "\"low\": \"5\""), "$.space.params[1].low", "expected a number");
        rejects(VALID.replace("\"budget\": 10", "\"budget\": \"10\""), "$.budget", "expected an integer");
        rejects(VALID.replace("\"seed\": 3", "\"seed\": true"), "$.seed", "");
    }

    @Test
    void fractionalBudgetIsRejected() {
        rejects(VALID.replace("\"budget\": 10", "\"budget\": 10.5"), "$.budget", "expected an integer");
        rejects(VALID.replace("\"budget\": 10", "\"budget\": 0"), "$.budget", "between 1 and");
        rejects(VALID.replace("\"budget\": 10,", ""), "$.budget", "missing");
        rejects(VALID.replace("\"batch_size\": 2", "\"batch_size\": 2.5"), "$.scheduler.batch_size", "integer");
    }

    @Test
    void formatMustBePresentAndKnown() {
        rejects(VALID.replace("\"format\": \"orchard.experiment/1\",", ""), "$.format", "missing");
        rejects(VALID.replace("orchard.experiment/1", "orchard.experiment/2"), "$.format", "unsupported format 'orchard.experiment/2'");
        rejects(VALID.replace("\"orchard.experiment/1\"", "1"), "$.format", "missing");
        rejects("[1, 2]", "$", "must be a JSON object");
    }

    @Test
    void unknownOptimizerListsTheValidOnes() {
        rejects(VALID.replace("\"sobol\"", "\"annealing\""), "$.optimizer", "unknown optimizer 'annealing'")
                .hasMessageContaining("random").hasMessageContaining("sobol");
    }

    @Test
    void unknownParamTypeSaysWhichTypesExist() {
        rejects(VALID.replace("\"type\": \"uniform\", \"low\": 0", "\"type\": \"gaussian\", \"low\": 0"),
                "$.space.params[1]", "unknown type 'gaussian'")
                .hasMessageContaining("uniform, log_uniform, int, choice");
        rejects(VALID.replace("\"type\": \"builtin\"", "\"type\": \"shell\""), "$.objective", "unknown type 'shell'")
                .hasMessageContaining("builtin or command");
    }

    @Test
    void invalidParamDefinitionsNameTheParam() {
        rejects(VALID.replace("\"low\": 0, \"high\": 15", "\"low\": 15, \"high\": 0"), "$.space.params[1]", "parameter 'x2'");
        rejects(VALID.replace("{\"name\": \"x2\", \"type\": \"uniform\", \"low\": 0, \"high\": 15}",
                "{\"name\": \"x1\", \"type\": \"uniform\", \"low\": 0, \"high\": 15}"), "$.space.params[0]", "more than one");
        rejects(VALID.replace("{\"name\": \"x2\", \"type\": \"uniform\", \"low\": 0, \"high\": 15}",
                "{\"name\": \"c\", \"type\": \"choice\", \"values\": [\"a\", 1]}"), "$.space.params[1]", "one type");
        rejects(VALID.replace("{\"name\": \"x2\", \"type\": \"uniform\", \"low\": 0, \"high\": 15}",
                "{\"name\": \"c\", \"type\": \"choice\", \"values\": [\"a\", null]}"), "$.space.params[1]", "null");
        rejects(VALID.replace("{\"name\": \"x2\", \"type\": \"uniform\", \"low\": 0, \"high\": 15}",
                "{\"name\": \"lr\", \"type\": \"log_uniform\", \"low\": 0, \"high\": 1}"), "$.space.params[1]", "low > 0");
        rejects(VALID.replace("{\"name\": \"x2\", \"type\": \"uniform\", \"low\": 0, \"high\": 15}",
                "{\"name\": \"n\", \"type\": \"int\", \"low\": 1, \"high\": 2.5}"), "$.space.params[1].high", "integer");
    }

    @Test
    void intParamLogIsOptional() {
        var spec = parse(VALID.replace("{\"name\": \"x2\", \"type\": \"uniform\", \"low\": 0, \"high\": 15}",
                "{\"name\": \"x2\", \"type\": \"int\", \"low\": 0, \"high\": 15}, {\"name\": \"w\", \"type\": \"int\", \"low\": 1, \"high\": 64, \"log\": true}"));
        assertThat(spec.space().params().get(1)).isEqualTo(new IntParam("x2", 0, 15, false));
        assertThat(spec.space().params().get(2)).isEqualTo(new IntParam("w", 1, 64, true));
    }

    @Test
    void duplicateKeysAreRejected() {
        assertThatThrownBy(() -> parse(VALID.replace("\"seed\": 3", "\"seed\": 3, \"seed\": 4")))
                .isInstanceOf(SpecException.class).hasMessageContaining("Duplicate field 'seed'")
                .satisfies(e -> assertThat(((SpecException) e).line()).isEqualTo(12));
    }

    @Test
    void unknownPlaceholderNamesTheCommandArgument() {
        rejects(COMMAND.replace("{trial}", "{epochs}"), "$.objective.command[5]", "{epochs} is not a parameter")
                .hasMessageContaining("lr");
        rejects(COMMAND.replace("--lr {lr}", "--lr {lrr}"), "$.objective.command[3]", "{lrr}");
        rejects(COMMAND.replace("\"python3 train.py --lr {lr} --trial {trial}\"", "[\"python3\", \"-c\", \"{nope}\"]"),
                "$.objective.command[2]", "{nope} is not a parameter");
        rejects(COMMAND.replace("--lr {lr}", "--lr {lr"), "$.objective.command[3]", "unclosed");
        rejects(COMMAND.replace("\"python3 train.py --lr {lr} --trial {trial}\"", "\"\""), "$.objective.command", "missing or empty");
        rejects(COMMAND.replace("\"python3 train.py --lr {lr} --trial {trial}\"", "\"python3 'unclosed\""), "$.objective.command", "unclosed");
        rejects(COMMAND.replace("\"metric\": \"loss\"", "\"metric\": \"loss\", \"timeout_seconds\": 0"),
                "$.objective.timeout_seconds", "positive");
        rejects(COMMAND.replace("\"metric\": \"loss\"", "\"metric\": \"loss\", \"retries\": -1"),
                "$.objective", "retries must be >= 0");
        rejects(COMMAND.replace("\"metric\": \"loss\"", "\"metric\": \"loss\", \"grace_seconds\": -1"),
                "$.objective", "grace_seconds must be between 0 and 3600");
        rejects(COMMAND.replace("\"metric\": \"loss\"", "\"metric\": \"loss\", \"retry_backoff_seconds\": 1e9"),
                "$.objective", "retry_backoff_seconds must be between 0 and 3600");
    }

    @Test
    void builtinFunctionNeedsItsParamsInTheSpace() {
        rejects(VALID.replace("\"name\": \"x2\"", "\"name\": \"y\""), "$.objective.function", "branin needs numeric parameters")
                .hasMessageContaining("[x2]");
        rejects(VALID.replace("\"branin\"", "\"rosenbrock\""), "$.objective.function", "unknown built-in function 'rosenbrock'")
                .hasMessageContaining("branin").hasMessageContaining("hartmann6");
        rejects(VALID.replace("\"branin\"", "\"branin\", \"curve_steps\": -1"), "$.objective.curve_steps", "between 0");
    }

    @Test
    void nanLiteralIsRejected() {
        assertThatThrownBy(() -> parse(VALID.replace("\"low\": -5", "\"low\": NaN"))).isInstanceOf(SpecException.class)
                .hasMessageContaining("invalid JSON")
                .satisfies(e -> assertThat(((SpecException) e).line()).isEqualTo(5));
        assertThatThrownBy(() -> parse(VALID.replace("\"high\": 10", "\"high\": Infinity"))).isInstanceOf(SpecException.class);
        // a number too large for a double is infinite once read: rejected as a bound
        rejects(VALID.replace("\"high\": 10", "\"high\": 1e999"), "$.space.params[0]", "finite");
    }

    @Test
    void deeplyNestedHostileJsonIsRejectedCleanly() {
        String deep = "{\"format\": \"orchard.experiment/1\", \"x\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThatThrownBy(() -> parse(deep)).isInstanceOf(SpecException.class).hasMessageContaining("nesting depth");
        String deepObject = "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000);
        assertThatThrownBy(() -> parse(deepObject)).isInstanceOf(SpecException.class);
    }

    @Test
    void emptyOrTrivialFilesAreRejected(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.json"), "");
        assertThatThrownBy(() -> Specs.read(empty)).isInstanceOf(SpecException.class)
                .hasMessageStartingWith(empty.toString()).hasMessageContaining("empty");
        Path blank = Files.writeString(dir.resolve("blank.json"), "  \n\n ");
        assertThatThrownBy(() -> Specs.read(blank)).isInstanceOf(SpecException.class).hasMessageContaining("empty");
        Path nul = Files.writeString(dir.resolve("null.json"), "null");
        assertThatThrownBy(() -> Specs.read(nul)).isInstanceOf(SpecException.class);
        assertThatThrownBy(() -> Specs.read(dir.resolve("missing.json"))).isInstanceOf(SpecException.class)
                .hasMessageContaining("no such file");
        Path binary = Files.write(dir.resolve("bin.json"), new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThatThrownBy(() -> Specs.read(binary)).isInstanceOf(SpecException.class);
        rejects(VALID + " {}", "$", "railing token");
    }

    @Test
    void writeThenParseGivesAnEqualSpec() {
        var objectiveConfig = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("n_startup", 5);
        var spec = new ExperimentSpec(ExperimentSpec.FORMAT, "round trip", "all parts", SearchSpace.of(
                new UniformParam("x", -1.5, 2.25),
                new LogUniformParam("lr", 1e-5, 0.1),
                new IntParam("depth", 1, 6, false),
                new IntParam("width", 8, 512, true),
                new ChoiceParam("act", List.of("relu", "tanh")),
                new ChoiceParam("batch", List.of(16, 32, 64)),
                new ChoiceParam("scale", List.of(0.5, 1.5)),
                new ChoiceParam("flag", List.of(true, false))),
                new OptimizerSpec("random", objectiveConfig), new SchedulerSpec("sync_batch", 3),
                new ObjectiveSpec.Command(List.of("python3", "train.py", "--lr", "{lr}", "{{literal}}"), "sub/dir", "loss",
                        12.5, Map.of("A", "1"), 2, 30.0, 0.5),
                17, -4L, Direction.MAXIMIZE);
        String text = Specs.write(spec);
        assertThat(text).contains("\"retries\" : 2").contains("\"grace_seconds\" : 30.0").contains("\"retry_backoff_seconds\" : 0.5");
        assertThat(Specs.parse(text, "written")).isEqualTo(spec);
        // and the written text is stable
        assertThat(Specs.write(Specs.parse(text, "written"))).isEqualTo(text);

        var builtin = parse(VALID);
        assertThat(Specs.parse(Specs.write(builtin), "again")).isEqualTo(builtin);
        var withCurve = parse(VALID.replace("\"branin\"", "\"branin\", \"curve_steps\": 5, \"delay_ms\": 20"));
        assertThat(Specs.parse(Specs.write(withCurve), "again")).isEqualTo(withCurve);
    }

    @Test
    void readsASearchSpaceFile(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("space.json"), """
                {"params":[{"name":"x1","type":"uniform","low":-5,"high":10},{"name":"lr","type":"log_uniform","low":1e-5,"high":1},
                {"name":"depth","type":"int","low":1,"high":3},{"name":"act","type":"choice","values":["relu","tanh"]}]}
                """);
        assertThat(Specs.readSpace(f).dimension()).isEqualTo(4);
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"params\":[{\"name\":\"x\",\"type\":\"uniform\",\"low\":1,\"high\":1}]}");
        assertThatThrownBy(() -> Specs.readSpace(bad)).isInstanceOf(SpecException.class)
                .hasMessageContaining("$.params[0]").hasMessageContaining("parameter 'x'");
    }
}
