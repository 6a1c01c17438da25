package dev.orchard.engine.cli;

import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.json.ArchiveJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI end to end: in-process for most commands, as a real second process where stdin or locking matter. */
class CliTest {
    static final Path ROOT = Path.of(System.getProperty("orchard.repo.root", "..")).toAbsolutePath().normalize();
    static final Path SAMPLE = ROOT.resolve("sample-projects/branin-quickstart/experiment.json");

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs the CLI in a new JVM with the test's class path. */
    static Result process(List<String> input, String... args) throws Exception {
        return process(System.getProperty("java.class.path"), input, args);
    }

    /** Runs the CLI in a new JVM with the given class path, writing {@code input} to its stdin. */
    static Result process(String classPath, List<String> input, String... args) throws Exception {
        var cmd = new ArrayList<String>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", classPath, Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        try (var w = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8)) {
            input.forEach(w::println);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }

    @Test
    void runListShowExportImport() throws Exception {
        String db = tmp.resolve("h/history").toString();
        Result run = cli("run", SAMPLE.toString(), "--db", db, "--budget", "12", "--quiet");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("experiment 1 'branin-quickstart' completed: 12 trials (12 completed, 0 failed)")
                .contains("best value");

        Result list = cli("list", "--db", db);
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("branin-quickstart").contains("completed").containsPattern("\\b12\\b");

        Result show = cli("show", "1", "--db", db, "--trials", "3");
        assertThat(show.out()).contains("trials 12: 12 completed, 0 failed").contains("… 9 more");

        Path export = tmp.resolve("out/exp1.json");
        Result ex = cli("export", "1", "-o", export.toString(), "--db", db);
        assertThat(ex.code()).as(ex.err()).isZero();
        var archive = ArchiveJson.read(export);
        assertThat(archive.trials()).hasSize(12);
        assertThat(archive.metrics()).hasSize(12 * 10);

        String db2 = tmp.resolve("other/history").toString();
        Result imp = cli("import", export.toString(), "--db", db2);
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("as experiment 1 'branin-quickstart' (12 trials)");
        try (Orchard o = Orchard.open(Path.of(db2))) {
            assertThat(o.trials(1)).hasSize(12);
            assertThat(o.metrics(1)).hasSize(120);
        }

        // An export file runs again as a spec.
        Result rerun = cli("run", export.toString(), "--db", db, "--budget", "4", "--quiet");
        assertThat(rerun.code()).as(rerun.err()).isZero();
        assertThat(rerun.out()).contains("experiment 2");
    }

    @Test
    void validateReportsWhereTheProblemIs() throws Exception {
        assertThat(cli("validate", SAMPLE.toString()).out()).contains("ok (branin-quickstart: 2 parameters, optimizer auto, 64 trials)");
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, Files.readString(SAMPLE).replace("\"high\": 10", "\"high\": -10"));
        Result r = cli("validate", bad.toString());
        assertThat(r.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains(bad.toString()).contains("$.space.params[0]").contains("'x1'").contains("low must be less than high");

        Path syntax = tmp.resolve("syntax.json");
        Files.writeString(syntax, "{\n  \"format\": \"orchard.experiment/1\",\n  \"name\": \"x\" \"oops\"\n}");
        Result s = cli("validate", syntax.toString());
        assertThat(s.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(s.err()).contains(syntax + ":3:");

        Path unknown = tmp.resolve("unknown.json");
        Files.writeString(unknown, Files.readString(SAMPLE).replace("\"auto\"", "\"hyperopt\""));
        assertThat(cli("run", unknown.toString(), "--db", tmp.resolve("db").toString()).err())
                .contains("$.optimizer").contains("unknown optimizer 'hyperopt'").contains("random").contains("sobol");
        assertThat(cli("validate", tmp.resolve("missing.json").toString()).err()).contains("no such file");
    }

    @Test
    void unknownExperimentAndHelp() {
        String db = tmp.resolve("history").toString();
        Result r = cli("show", "42", "--db", db);
        assertThat(r.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("no experiment with id 42");
        for (String c : List.of("run", "validate", "list", "show", "export", "import", "ask-tell", "optimizers", "bench")) {
            Result h = cli(c, "--help");
            assertThat(h.code()).as(c).isZero();
            assertThat(h.out()).as(c).contains("Usage: orchard " + c);
        }
        assertThat(cli("optimizers").out()).contains("auto", "cmaes", "evolution", "gp", "grid", "random", "sobol", "tpe", "tpe-mv");
        assertThat(cli("list", "--db", db).out()).contains("no experiments");
    }

    @Test
    void importOfABrokenFileStoresNothing() throws Exception {
        String db = tmp.resolve("history").toString();
        assertThat(cli("run", SAMPLE.toString(), "--db", db, "--budget", "4", "--quiet").code()).isZero();
        Path export = tmp.resolve("e.json");
        assertThat(cli("export", "1", "-o", export.toString(), "--db", db).code()).isZero();
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, Files.readString(export).replaceFirst("\"state\" : \"completed\"", "\"state\" : \"exploded\""));
        Result r = cli("import", broken.toString(), "--db", db);
        assertThat(r.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("$.trials[0].state").contains("exploded");
        assertThat(cli("list", "--db", db).out().lines().filter(l -> l.contains("branin-quickstart")).count()).isEqualTo(1);
    }

    @Test
    void askTellSpeaksJsonLinesInARealProcess() throws Exception {
        Path space = tmp.resolve("space.json");
        Files.writeString(space, "{\"params\":[{\"name\":\"x1\",\"type\":\"uniform\",\"low\":-5,\"high\":10},"
                + "{\"name\":\"lr\",\"type\":\"log_uniform\",\"low\":1e-5,\"high\":1},"
                + "{\"name\":\"depth\",\"type\":\"int\",\"low\":1,\"high\":3},"
                + "{\"name\":\"act\",\"type\":\"choice\",\"values\":[\"relu\",\"tanh\"]}]}");
        Result r = process(List.of("{\"op\":\"ask\"}", "{\"op\":\"ask\"}", "garbage", "{\"op\":\"tell\",\"trial\":0,\"value\":1.5}",
                        "{\"op\":\"tell\",\"trial\":1,\"state\":\"failed\"}", "{\"op\":\"tell\",\"trial\":7,\"value\":1}", "{\"op\":\"best\"}"),
                "ask-tell", "--space", space.toString(), "--optimizer", "sobol", "--seed", "7");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0)).startsWith("{\"trial\":0,\"params\":{\"x1\":");
        assertThat(lines.get(2)).startsWith("{\"error\":\"not JSON");
        assertThat(lines.get(3)).isEqualTo("{\"ok\":true}");
        assertThat(lines.get(4)).isEqualTo("{\"ok\":true}");
        assertThat(lines.get(5)).contains("unknown trial 7");
        assertThat(lines.get(6)).startsWith("{\"trial\":0,").endsWith("\"value\":1.5}");

        Result bad = process(List.of(), "ask-tell", "--space", space.toString(), "--optimizer", "nope");
        assertThat(bad.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(bad.err()).contains("unknown optimizer 'nope'; valid optimizers: auto, cmaes, evolution, gp, grid");
    }

    @Test
    void askTellWithASchedulerAnswersReportsInARealProcess() throws Exception {
        Path space = tmp.resolve("space.json");
        Files.writeString(space, "{\"params\":[{\"name\":\"x\",\"type\":\"uniform\",\"low\":0,\"high\":1}]}");
        Result r = process(List.of("{\"op\":\"ask\"}", "{\"op\":\"ask\"}",
                        "{\"op\":\"report\",\"trial\":0,\"step\":1,\"value\":0.5}",
                        "{\"op\":\"report\",\"trial\":1,\"step\":1,\"value\":0.9}",
                        "{\"op\":\"tell\",\"trial\":1,\"state\":\"pruned\",\"value\":0.9}",
                        "{\"op\":\"report\",\"trial\":5,\"step\":1,\"value\":0.9}",
                        "{\"op\":\"report\",\"trial\":0,\"step\":27,\"value\":0.1}"),
                "ask-tell", "--space", space.toString(), "--optimizer", "random", "--scheduler", "asha", "--grace", "1", "--eta", "3",
                "--max-steps", "27");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(7);
        assertThat(lines.get(2)).isEqualTo("{\"decision\":\"continue\"}");
        assertThat(lines.get(3)).startsWith("{\"decision\":\"stop\",\"reason\":\"not in the top 1/3 at rung 0 (step 1)\"");
        assertThat(lines.get(4)).isEqualTo("{\"ok\":true}");
        assertThat(lines.get(5)).contains("unknown trial 5");
        assertThat(lines.get(6)).contains("\"decision\":\"stop\"").contains("max_steps 27").contains("\"done\":true");

        Result bad = process(List.of(), "ask-tell", "--space", space.toString(), "--scheduler", "asha", "--eta", "1", "--max-steps", "9");
        assertThat(bad.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(bad.err()).contains("--eta: must be greater than 1");
        Result noMax = cli("ask-tell", "--space", space.toString(), "--scheduler", "hyperband");
        assertThat(noMax.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(noMax.err()).contains("--max-steps: missing");
        Result pbt = cli("ask-tell", "--space", space.toString(), "--scheduler", "pbt");
        assertThat(pbt.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(pbt.err()).contains("--scheduler: 'pbt' cannot serve ask-tell; valid: asha, hyperband, median");
        Result lone = cli("ask-tell", "--space", space.toString(), "--grace", "3");
        assertThat(lone.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(lone.err()).contains("need --scheduler");
        Result wrong = cli("ask-tell", "--space", space.toString(), "--scheduler", "asha", "--max-steps", "9", "--min-trials", "3");
        assertThat(wrong.err()).contains("--min-trials: not a setting of asha");
    }

    @Test
    void benchSchedulersPrintsATableAndWritesCsv() throws Exception {
        Path csv = tmp.resolve("sched.csv");
        Result r = cli("bench", "schedulers", "--data", ROOT.resolve("bench/data/curves-ppo-Pong-v0.jsonl.gz").toString(),
                "--seeds", "2", "--configs", "12", "--methods", "random,asha-stop,pbt", "--threads", "1", "-o", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("PPO-Pong-v0: 108 configurations, 100 steps each").contains("random").contains("asha-stop").contains("pbt");
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows).hasSize(1 + 3 * 2);
        assertThat(rows.get(0)).startsWith("method,seed,total_steps,steps_to_target");
        assertThat(rows.get(1)).startsWith("random,0,1200,"); // 12 configurations × 100 steps
        Result bad = cli("bench", "schedulers", "--methods", "fifo", "--data", ROOT.resolve("bench/data/curves-ppo-Pong-v0.jsonl.gz").toString());
        assertThat(bad.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(bad.err()).contains("unknown method 'fifo'");
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void benchStoragePrintsMegabytesPerThousandTrials() {
        Result r = cli("bench", "storage", "--optimizers", "random,tpe", "--trials", "150", "--slots", "2", "--steps", "3");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("MB/1000 open", "MB/1000 closed");
        assertThat(r.out().lines().filter(l -> l.startsWith("random ") || l.startsWith("tpe ")))
                .hasSize(2).allMatch(l -> l.split("\\s+")[1].equals("150"));
        Result bad = cli("bench", "storage", "--optimizers", "random,nope");
        assertThat(bad.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(bad.err()).contains("unknown optimizer 'nope'").doesNotContain("\tat ");
        assertThat(bad.out()).doesNotContain("random "); // nothing ran
        assertThat(cli("bench", "storage", "--trials", "0").err()).contains("--trials and --slots must be at least 1");
    }

    @Test
    void aSecondProcessOnTheSameDatabaseGetsAClearMessage() throws Exception {
        Path db = tmp.resolve("history");
        try (Orchard held = Orchard.open(db)) {
            Result r = process(List.of(), "list", "--db", db.toString());
            assertThat(r.code()).isEqualTo(Main.LOCKED);
            assertThat(r.err()).contains("is in use by another Orchard process").doesNotContain("at org.h2");
        }
    }

}
