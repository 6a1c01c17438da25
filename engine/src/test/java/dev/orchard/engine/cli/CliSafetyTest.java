package dev.orchard.engine.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.experiment.SpecCommands;
import dev.orchard.engine.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI with text and files it should not trust: names and errors holding terminal escapes are printed visibly,
 * an export's commands run only once allowed, and imports that cannot be stored or resumed say why.
 */
@Timeout(120)
class CliSafetyTest {
    static final String HOSTILE = "evil\u001b[2J\u001b]0;title\u0007\r\nname\u202eexe.txt\u0085";

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result cli(Questions questions, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(questions, new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    static Result cli(String... args) {
        return cli(Questions.TERMINAL, args);
    }

    /** Fails the test when asked: for runs that must not ask. */
    static final Questions NEVER = (source, commands) -> {
        throw new AssertionError("asked about " + source);
    };

    /** Answers {@code yes} and remembers what it was shown. */
    static final class Answering implements Questions {
        final boolean yes;
        final List<List<SpecCommands.Use>> shown = new CopyOnWriteArrayList<>();

        Answering(boolean yes) {
            this.yes = yes;
        }

        @Override
        public Optional<Boolean> allowCommands(String source, List<SpecCommands.Use> commands) {
            shown.add(commands);
            return Optional.of(yes);
        }
    }

    static void assertNoControls(String text) {
        assertThat(text.chars().filter(c -> c == 0x1b || c == '\r' || c == 0x07 || c == 0x202e || c == 0x85).count())
                .as("raw control characters in:\n%s", text).isZero();
    }

    /** A spec: a choice and a uniform parameter, the objective given as JSON. */
    static ObjectNode spec(String name, String objective) {
        ObjectNode spec = (ObjectNode) Json.read("""
                {"format": "orchard.experiment/1", "name": "x",
                 "space": {"params": [{"name": "v", "type": "choice", "values": ["ok", "red\\u001b[31m"]},
                                      {"name": "x1", "type": "uniform", "low": -5, "high": 10},
                                      {"name": "x2", "type": "uniform", "low": 0, "high": 15}]},
                 "optimizer": "random", "objective": OBJECTIVE, "budget": 3, "seed": 1}
                """.replace("OBJECTIVE", objective));
        return spec.put("name", name);
    }

    static ObjectNode export(ObjectNode spec, String status, String... trialStates) {
        ObjectNode root = Json.SPEC.createObjectNode().put("format", "orchard.export/1");
        root.putObject("experiment").put("id", 9).put("name", spec.get("name").asText()).put("kind", "sweep")
                .put("status", status).put("created_at", "2026-01-01T00:00:00Z").set("spec", spec);
        ArrayNode trials = root.putArray("trials");
        for (int i = 0; i < trialStates.length; i++) {
            ObjectNode t = trials.addObject().put("number", i).put("state", trialStates[i]).put("started_at", "2026-01-01T00:00:00Z");
            t.putObject("params").put("v", i == 0 ? "red\u001b[31m" : "ok").put("x1", 0.5).put("x2", 2.0);
            if (trialStates[i].equals("failed")) {
                t.put("error", "boom\u001b[2J\r\ntraceback line\u202e");
            } else {
                t.put("value", 0.5);
            }
        }
        return root;
    }

    static final String BUILTIN = "{\"type\": \"builtin\", \"function\": \"branin\"}";

    @Test
    void userTextIsPrintedWithItsControlCharactersVisible() throws Exception {
        String db = tmp.resolve("h/history").toString();
        ObjectNode spec = (ObjectNode) Json.read("""
                {"format": "orchard.experiment/1", "name": "x",
                 "space": {"params": [{"name": "x1", "type": "uniform", "low": -5, "high": 10},
                                      {"name": "x2", "type": "uniform", "low": 0, "high": 15}]},
                 "optimizer": "sobol", "objective": {"type": "builtin", "function": "branin"}, "budget": 3}
                """);
        Path specFile = Files.writeString(tmp.resolve("spec.json"), spec.put("name", HOSTILE).toString());
        Result run = cli(NEVER, "run", specFile.toString(), "--db", db, "--quiet");
        assertThat(run.code()).as(run.err()).isZero();
        assertNoControls(run.out());
        assertThat(run.out()).contains("experiment 1 'evil\\e[2J\\e]0;title\\x07\\r\\nname\\u202eexe.txt\\u0085' completed");

        Path file = Files.writeString(tmp.resolve("hostile.json"),
                export(spec(HOSTILE, BUILTIN), "completed", "completed", "failed").toString());
        Result imp = cli("import", file.toString(), "--db", db);
        assertThat(imp.code()).as(imp.err()).isZero();
        assertNoControls(imp.out());

        Result list = cli("list", "--db", db);
        assertNoControls(list.out());
        assertThat(list.out()).contains("evil\\e[2J").hasLineCount(3);

        Result show = cli("show", "2", "--db", db, "--spec");
        assertThat(show.code()).as(show.err()).isZero();
        assertNoControls(show.out());
        assertThat(show.out()).contains("experiment 2  evil\\e[2J\\e]0;title\\x07\\r\\nname\\u202eexe.txt\\u0085")
                .contains("v=red\\e[31m")
                .contains("[boom\\e[2J]")
                .contains("\"name\" : \"evil\\u001B[2J");
    }

    @Test
    void formatEscapesEveryKindOfControlOnce() {
        assertThat(Format.safe("a\u001b[2Jb\r\n\t\u0000\u007f\u009b\u202a\u2066\u200f\u2028z")).isEqualTo(
                "a\\e[2Jb\\r\\n\\t\\x00\\x7f\\u009b\\u202a\\u2066\\u200f\\u2028z");
        assertThat(Format.safeLines("one\ntwo\r\n")).isEqualTo("one\ntwo\\r\n");
        assertThat(Format.safe("plain ✓ 日本 \uD83C\uDF33")).isEqualTo("plain ✓ 日本 \uD83C\uDF33");
        assertThat(Format.safe("half \uD83C and \uDF33")).isEqualTo("half \\ud83c and \\udf33");
        assertThat(Format.safe(Format.safe(HOSTILE))).as("escaping twice changes nothing more").isEqualTo(Format.safe(HOSTILE));
        assertNoControls(Format.safe(HOSTILE));
    }

    @Test
    void theProgressLineEscapesTheName() {
        var bytes = new ByteArrayOutputStream();
        var progress = new ProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), HOSTILE, 2, false);
        progress.update(1, "best 1", false);
        progress.finish(2, "best 1");
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertNoControls(text);
        assertThat(text).contains("evil\\e[2J").hasLineCount(2);
    }

    /** An export whose spec runs {@code sh -c} with a placeholder: each trial leaves a file behind. */
    Path commandExport(Path folder, String workdir) throws Exception {
        Files.createDirectories(folder.resolve(workdir));
        ObjectNode objective = Json.SPEC.createObjectNode().put("type", "command").put("metric", "loss").put("workdir", workdir)
                .put("command", "sh -c 'touch ran-{trial}; echo \"@orchard {{\\\"loss\\\": {x1}}}\"'");
        return Files.writeString(folder.resolve("export.json"), export(spec("cmd", objective.toString()), "completed", "completed").toString());
    }

    static long ran(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("ran-")).count();
        }
    }

    @Test
    void anExportsCommandsAreRefusedWhenNobodyCanBeAskedAndRunWithAllowCommands() throws Exception {
        String db = tmp.resolve("h/history").toString();
        Path folder = tmp.resolve("project");
        Path export = commandExport(folder, ".");

        Result refused = cli("run", export.toString(), "--db", db, "--quiet");
        assertThat(refused.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(refused.err()).contains(export + " is an export: running it runs this command on this machine")
                .contains("\n  sh -c 'touch ran-{trial}; echo \"@orchard {{\\\"loss\\\": {x1}}}\"'\n      in " + folder)
                .contains("not run: nobody can be asked here (no terminal); run it again with --allow-commands");
        assertThat(ran(folder)).isZero();
        assertThat(cli("list", "--db", db).out()).contains("no experiments");

        Result allowed = cli(NEVER, "run", export.toString(), "--db", db, "--quiet", "--allow-commands");
        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("3 trials (3 completed, 0 failed)");
        assertThat(ran(folder)).isEqualTo(3);
    }

    @Test
    void onATerminalTheCommandsAsWrittenAndTheirFolderAreShownAndTheAnswerDecides() throws Exception {
        String db = tmp.resolve("h/history").toString();
        Path folder = tmp.resolve("project");
        Path export = commandExport(folder, "trainer");

        Answering no = new Answering(false);
        Result declined = cli(no, "run", export.toString(), "--db", db, "--quiet");
        assertThat(declined.code()).isEqualTo(Main.FAILED);
        assertThat(declined.err()).contains("not run: the commands of " + export + " were not allowed");
        assertThat(no.shown).singleElement().satisfies(commands -> assertThat(commands).containsExactly(new SpecCommands.Use(
                List.of("sh", "-c", "touch ran-{trial}; echo \"@orchard {{\\\"loss\\\": {x1}}}\""), folder.resolve("trainer"))));
        assertThat(ran(folder.resolve("trainer"))).isZero();

        Answering yes = new Answering(true);
        Result agreed = cli(yes, "run", export.toString(), "--db", db, "--quiet");
        assertThat(agreed.code()).as(agreed.err()).isZero();
        assertThat(yes.shown).hasSize(1);
        assertThat(ran(folder.resolve("trainer"))).isEqualTo(3);
    }

    @Test
    void specFilesAndExportsWithoutCommandsAreNotAskedAbout() throws Exception {
        String db = tmp.resolve("h/history").toString();
        Path folder = tmp.resolve("project");
        Path export = commandExport(folder, ".");
        // the same spec as a file of its own: the user's own command line
        Path spec = Files.writeString(folder.resolve("spec.json"), Json.read(Files.readString(export)).get("experiment").get("spec").toString());
        Result own = cli(NEVER, "run", spec.toString(), "--db", db, "--quiet");
        assertThat(own.code()).as(own.err()).isZero();
        assertThat(ran(folder)).isEqualTo(3);

        Path builtin = Files.writeString(tmp.resolve("builtin.json"), export(spec("b", BUILTIN), "completed", "completed").toString());
        Result noCommands = cli(NEVER, "run", builtin.toString(), "--db", db, "--quiet");
        assertThat(noCommands.code()).as(noCommands.err()).isZero();
    }

    @Test
    void importsOfUnfinishedRunsSaySoAndCannotBeResumed() throws Exception {
        String db = tmp.resolve("h/history").toString();
        Path file = Files.writeString(tmp.resolve("running.json"),
                export(spec("half", BUILTIN), "running", "completed", "running", "paused").toString());
        Result imp = cli("import", file.toString(), "--db", db);
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("imported " + file + " as experiment 1 'half' (3 trials)")
                .contains("note: 2 trials were not finished in the file; stored as stopped (they cannot continue here)")
                .contains("note: the experiment was imported while running: it cannot continue here");
        Result show = cli("show", "1", "--db", db);
        assertThat(show.out()).contains("status stopped").contains("stopped").contains("[imported while running: its process");

        Result resume = cli("resume", "1", "--db", db, "--quiet");
        assertThat(resume.code()).isEqualTo(Main.FAILED);
        assertThat(resume.err()).contains("experiment 1 was imported from an export file and all its trials have ended: there is"
                + " nothing to resume").doesNotContain("Java objective");
    }

    @Test
    void anImportTooLongForTheHistoryIsRefusedWithAShortMessage() throws Exception {
        String db = tmp.resolve("h/history").toString();
        ObjectNode root = export(spec("ok", BUILTIN), "completed", "completed");
        ((ObjectNode) root.get("experiment")).put("name", "n".repeat(9_000_000));
        Path file = Files.writeString(tmp.resolve("long.json"), root.toString());
        Result imp = cli("import", file.toString(), "--db", db);
        assertThat(imp.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(imp.err()).contains(file + ": $.experiment.name: is 9000000 characters long; at most 255 are kept").hasSizeLessThan(500);
        assertThat(cli("list", "--db", db).out()).contains("no experiments");
    }
}
