package dev.orchard.engine.json;

import dev.orchard.engine.execute.CommandLine;
import dev.orchard.engine.experiment.CommandLineDeserializer;
import dev.orchard.engine.experiment.ObjectiveSpec;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.orchard.engine.experiment.CommandLineDeserializer.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A command as one string (split like a shell, never run by one) and placeholder substitution in its arguments. */
class CommandLineTest {

    @Test
    void splitsOnWhitespace() {
        assertThat(split("python3 train.py --lr {lr}")).containsExactly("python3", "train.py", "--lr", "{lr}");
        assertThat(split("  a \t b\n c  ")).containsExactly("a", "b", "c");
        assertThat(split("")).isEmpty();
        assertThat(split("   ")).isEmpty();
    }

    @Test
    void quotesGroupWords() {
        assertThat(split("sh -c 'echo hello world'")).containsExactly("sh", "-c", "echo hello world");
        assertThat(split("echo \"a b\" c")).containsExactly("echo", "a b", "c");
        assertThat(split("--name=\"my run\"x")).containsExactly("--name=my runx");
        assertThat(split("a '' b \"\"")).containsExactly("a", "", "b", "");
        assertThat(split("'it'\"'\"'s'")).containsExactly("it's");
        assertThat(split("\"single ' inside\" 'double \" inside'")).containsExactly("single ' inside", "double \" inside");
    }

    @Test
    void backslashEscapesOutsideSingleQuotes() {
        assertThat(split("a\\ b c")).containsExactly("a b", "c");
        assertThat(split("\"say \\\"hi\\\"\"")).containsExactly("say \"hi\"");
        assertThat(split("'C:\\path\\x'")).containsExactly("C:\\path\\x");
        assertThat(split("\\'quoted\\'")).containsExactly("'quoted'");
        assertThat(split("a\\\\b")).containsExactly("a\\b");
    }

    @Test
    void unclosedQuotesAndLoneBackslashesAreErrors() {
        assertThatThrownBy(() -> split("echo 'oops")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unclosed ' quote");
        assertThatThrownBy(() -> split("echo \"oops")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unclosed \" quote");
        assertThatThrownBy(() -> split("echo oops\\")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lone backslash");
    }

    @Test
    void commandInASpecMayBeAStringOrAList() {
        String base = """
                {"format": "orchard.experiment/1", "name": "c",
                 "space": {"params": [{"name": "lr", "type": "uniform", "low": 0, "high": 1}]},
                 "objective": {"type": "command", "command": COMMAND},
                 "budget": 1}
                """;
        var fromString = Specs.parse(base.replace("COMMAND", "\"sh -c 'echo {lr}'\""), "s");
        var fromList = Specs.parse(base.replace("COMMAND", "[\"sh\", \"-c\", \"echo {lr}\"]"), "s");
        assertThat(((ObjectiveSpec.Command) fromString.objective()).command()).containsExactly("sh", "-c", "echo {lr}");
        assertThat(fromList).isEqualTo(fromString);
        assertThatThrownBy(() -> Specs.parse(base.replace("COMMAND", "[\"sh\", 3]"), "s")).isInstanceOf(SpecException.class)
                .hasMessageContaining("$.objective.command").hasMessageContaining("must be a string");
        assertThatThrownBy(() -> Specs.parse(base.replace("COMMAND", "\"sh 'x\""), "s")).isInstanceOf(SpecException.class)
                .hasMessageContaining("$.objective.command").hasMessageContaining("unclosed");
        assertThatThrownBy(() -> Specs.parse(base.replace("COMMAND", "{\"program\": \"sh\"}"), "s"))
                .isInstanceOf(SpecException.class).hasMessageContaining("$.objective.command");
        assertThat(new CommandLineDeserializer()).isNotNull();
    }

    @Test
    void substitutesPlaceholders() {
        Map<String, Object> v = Map.of("lr", 0.001, "epochs", 12L, "act", "relu", "w", 3.0, "trial", 4, "tiny", 1e-5);
        assertThat(CommandLine.substitute("--lr={lr}", v)).isEqualTo("--lr=0.001");
        assertThat(CommandLine.substitute("{epochs}", v)).isEqualTo("12");
        assertThat(CommandLine.substitute("{ act }", v)).isEqualTo("relu");
        assertThat(CommandLine.substitute("{w}", v)).as("floats stay floats").isEqualTo("3.0");
        assertThat(CommandLine.substitute("{tiny}", v)).isEqualTo("1.0E-5");
        assertThat(CommandLine.substitute("run-{trial}-{act}.log", v)).isEqualTo("run-4-relu.log");
        assertThat(CommandLine.substitute("plain", v)).isEqualTo("plain");
        assertThat(CommandLine.substituteAll(java.util.List.of("a", "{act}"), v)).containsExactly("a", "relu");
    }

    @Test
    void doubledBracesAreLiterals() {
        Map<String, Object> v = Map.of("lr", 0.5);
        assertThat(CommandLine.substitute("{{lr}}", v)).isEqualTo("{lr}");
        assertThat(CommandLine.substitute("{{{lr}}}", v)).isEqualTo("{0.5}");
        assertThat(CommandLine.substitute("json={{\"lr\": {lr}}}", v)).isEqualTo("json={\"lr\": 0.5}");
        assertThat(CommandLine.placeholders("{{x}} {y} {z}{y}")).containsExactly("y", "z");
    }

    @Test
    void unknownOrMalformedPlaceholdersAreErrors() {
        assertThatThrownBy(() -> CommandLine.substitute("--lr {rate}", Map.of("lr", 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{rate} has no value");
        assertThatThrownBy(() -> CommandLine.substitute("{lr", Map.of("lr", 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unclosed '{'");
        assertThatThrownBy(() -> CommandLine.substitute("lr}", Map.of("lr", 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lone '}'");
        assertThatThrownBy(() -> CommandLine.substitute("{ }", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty {}");
    }
}
