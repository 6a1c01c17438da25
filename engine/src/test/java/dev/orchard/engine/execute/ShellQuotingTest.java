package dev.orchard.engine.execute;

import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.experiment.Sweep;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Placeholders in a shell's {@code -c} script: hostile values reach a real {@code sh} (and {@code bash} when there is
 * one) as one word of data, whatever quotes surround the placeholder; where no quoting is safe only numbers pass.
 */
@Timeout(120)
class ShellQuotingTest {
    @TempDir
    Path dir;

    static final List<String> HOSTILE = List.of(
            "1; touch PWNED",
            "$(touch PWNED)",
            "`touch PWNED`",
            "it's",
            "'; touch PWNED; '",
            "a\"b\"; touch PWNED; \"",
            "back\\slash\\",
            "two\nlines; touch PWNED",
            "* ?",
            "$HOME ${HOME}",
            "-n",
            "",
            "0.001",
            "plain_name-1.5");

    /** Scripts with {v} in each context the quoting handles, and what they print for a value. */
    static final List<String> SCRIPTS = List.of(
            "printf '%s|' {v}",
            "printf '%s|' '{v}'",
            "printf '%s|' \"{v}\"",
            "printf '%s|' pre-{v}-post",
            "printf '%s|' \"pre '{v}' post\"",
            "printf '%s|' \"$(printf '%s' {v})\"",
            "printf '%s|' \"$(printf '%s' \"{v}\")\"",
            "case x in x) printf '%s|' {v};; esac",
            "printf '%s|' \"$(case x in (y) exit 1;; x) printf '%s' {v};; esac)\"",
            "# a comment with a quote ' and \"\nprintf '%s|' {v}",
            "cat <<EOF\nbody 'x' \"y\"\nEOF\nprintf '%s|' {v}");

    static String expected(String script, String v) {
        if (script.contains("pre-{v}")) {
            return "pre-" + v + "-post|";
        }
        if (script.contains("pre '{v}'")) {
            return "pre '" + v + "' post|";
        }
        return (script.startsWith("cat") ? "body 'x' \"y\"\n" : "") + v + "|";
    }

    String run(String shell, String script, String value) throws IOException, InterruptedException {
        List<String> argv = CommandLine.substituteAll(List.of(shell, "-c", script), Map.of("v", value));
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s -c %s → %s", shell, script, out).isZero();
        return out;
    }

    static List<String> shells() {
        var out = new ArrayList<String>(List.of("sh"));
        if (Processes.onPath("bash")) {
            out.add("bash");
        }
        if (Processes.onPath("dash")) {
            out.add("dash");
        }
        return out;
    }

    @Test
    void hostileValuesArriveAsDataInEveryQuotingContext() throws Exception {
        assumeTrue(Processes.onPath("sh"), "no sh");
        for (String shell : shells()) {
            for (String script : SCRIPTS) {
                for (String v : HOSTILE) {
                    String out = run(shell, script, v);
                    assertThat(out).as("%s -c %s with %s", shell, script, v).isEqualTo(expected(script, v));
                    assertThat(dir.resolve("PWNED")).as("%s -c %s with %s", shell, script, v).doesNotExist();
                }
            }
        }
    }

    @Test
    void simpleValuesAreLeftAsTheyWere() {
        Map<String, Object> v = Map.of("lr", 0.001, "n", 12, "act", "relu", "tiny", 1e-5, "path", "data/set-1.csv");
        assertThat(CommandLine.substituteAll(List.of("sh", "-c", "train --lr {lr} -n {n} --act {act} {tiny} {path}"), v))
                .containsExactly("sh", "-c", "train --lr 0.001 -n 12 --act relu 1.0E-5 data/set-1.csv");
        assertThat(CommandLine.substituteAll(List.of("sh", "-c", "train --act {act}"), Map.of("act", "leaky relu")))
                .containsExactly("sh", "-c", "train --act 'leaky relu'");
        // arguments after the script are positional parameters: passed as they are
        assertThat(CommandLine.substituteAll(List.of("sh", "-c", "train \"$1\"", "sh", "{act}"), Map.of("act", "a b; c")))
                .containsExactly("sh", "-c", "train \"$1\"", "sh", "a b; c");
        // no shell, or a shell that runs a file: every argument is one argv entry already
        assertThat(CommandLine.substituteAll(List.of("python3", "train.py", "{act}"), Map.of("act", "a b; c")))
                .containsExactly("python3", "train.py", "a b; c");
        assertThat(CommandLine.substituteAll(List.of("bash", "run.sh", "-c", "{act}"), Map.of("act", "a b; c")))
                .containsExactly("bash", "run.sh", "-c", "a b; c");
    }

    @Test
    void findsTheScriptBehindOptionsAndWrappers() {
        Map<String, Object> v = Map.of("x", "a b");
        assertThat(CommandLine.substituteAll(List.of("/bin/bash", "-e", "-o", "pipefail", "-c", "echo {x}"), v))
                .containsExactly("/bin/bash", "-e", "-o", "pipefail", "-c", "echo 'a b'");
        assertThat(CommandLine.substituteAll(List.of("bash", "-lc", "echo {x}"), v)).containsExactly("bash", "-lc", "echo 'a b'");
        assertThat(CommandLine.substituteAll(List.of("env", "A=1", "sh", "-c", "--", "echo {x}"), v))
                .containsExactly("env", "A=1", "sh", "-c", "--", "echo 'a b'");
        assertThat(CommandLine.substituteAll(List.of("docker", "run", "img", "zsh", "--norc", "-c", "echo {x}"), v))
                .containsExactly("docker", "run", "img", "zsh", "--norc", "-c", "echo 'a b'");
    }

    @Test
    void whereNothingQuotesSafelyOnlyNumbersPass() throws Exception {
        assumeTrue(Processes.onPath("sh"), "no sh");
        assertThat(run("sh", "cat <<EOF\n{v}\nEOF", "42")).isEqualTo("42\n");
        assertThat(run("sh", "echo $(( {v} + 1 ))", "41")).isEqualTo("42\n");
        assertThat(run("sh", "echo `echo {v}`", "-1.5E-3")).isEqualTo("-1.5E-3\n");
        for (String script : List.of("cat <<EOF\n{v}\nEOF", "cat <<'EOF'\n{v}\nEOF", "echo $(( {v} ))", "echo `echo {v}`",
                "echo ${{X:-{v}}}", "echo $'{v}'", "echo hi # {v}", "echo \\{v}", "echo ${v}")) {
            assertThatThrownBy(() -> run("sh", script, "EOF\ntouch PWNED"))
                    .as(script).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only numbers");
        }
        assertThat(dir.resolve("PWNED")).doesNotExist();
        // a placeholder after the here-document is ordinary again
        assertThat(run("sh", "cat <<-EOF\n\tx\n\tEOF\nprintf '%s|' {v}", "a; b")).isEqualTo("x\na; b|");
    }

    @Test
    void checkReportsWhatCannotWorkBeforeAnythingRuns() {
        CommandLine.check(List.of("sh", "-c", "cat <<EOF\n{n}\nEOF"), "n"::equals);
        assertThatThrownBy(() -> CommandLine.check(List.of("sh", "-c", "cat <<EOF\n{name}\nEOF"), "n"::equals))
                .isInstanceOfSatisfying(CommandLine.CheckedArgument.class, e -> assertThat(e.index()).isEqualTo(2))
                .hasMessageContaining("{name} is inside a here-document").hasMessageContaining("not a numeric parameter");
        assertThatThrownBy(() -> CommandLine.check(List.of("sh", "-c", "cat <<{n}\nx\n5\n"), n -> true))
                .hasMessageContaining("here-document's delimiter");
        assertThatThrownBy(() -> CommandLine.check(List.of("fish", "-c", "echo {n}"), n -> true))
                .hasMessageContaining("fish -c script cannot be quoted safely");
        CommandLine.check(List.of("fish", "-c", "echo $argv[1]", "{n}"), n -> false);
        CommandLine.check(List.of("python3", "-c", "print({n})"), n -> false);
    }

    @Test
    void aSweepsCommandTrialsGetHostileChoiceValuesAsData() throws Exception {
        assumeTrue(Processes.onPath("sh"), "no sh");
        List<String> values = List.of("1; touch PWNED", "it's", "$(touch PWNED)", "a \"b\" `touch PWNED`", "x\ny; touch PWNED");
        Map<String, Object> spec = Map.of(
                "format", ExperimentSpec.FORMAT, "name", "hostile", "budget", values.size(), "optimizer", "grid",
                "space", Map.of("params", List.of(Map.of("name", "v", "type", "choice", "values", values))),
                "objective", Map.of("type", "command", "metric", "loss",
                        "command", "sh -c 'printf %s {v} > value-{trial}.txt; echo \"@orchard {{\\\"loss\\\": 1}}\"'"));
        try (Orchard orchard = Orchard.open(dir.resolve("db/history"))) {
            Sweep sweep = orchard.start(Specs.parse(Json.write(spec), "hostile"), dir);
            assertThat(sweep.await(Duration.ofSeconds(90))).contains(ExperimentStatus.COMPLETED);
            List<Trial> trials = orchard.trials(sweep.experimentId());
            assertThat(trials).hasSize(values.size()).allSatisfy(t -> assertThat(t.state()).as(t.error().orElse("")).isEqualTo(TrialState.COMPLETED));
            for (Trial t : trials) {
                assertThat(Files.readString(dir.resolve("value-" + t.number() + ".txt"))).isEqualTo(t.params().get("v"));
            }
            assertThat(trials.stream().map(t -> t.params().get("v"))).containsExactlyInAnyOrderElementsOf(values);
        }
        assertThat(dir.resolve("PWNED")).doesNotExist();
    }
}
