package dev.orchard.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code orchard curriculum serve} end to end: stdio, and one TCP server shared by real worker processes. */
class CurriculumServeTest {
    @TempDir
    Path tmp;

    static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @Test
    void stdioSessionAnswersEveryLineAndBadInputGetsErrors() throws Exception {
        Path tasks = Files.writeString(tmp.resolve("tasks.json"),
                "{\"tasks\":[{\"id\":\"t0\",\"label\":\"easy\"},{\"id\":\"t1\",\"label\":\"easy\"},{\"id\":\"t2\",\"label\":\"hard\"}]}");
        var r = CliTest.process(List.of("{\"op\":\"sample\",\"step\":0,\"total\":100}", "{\"op\":\"update\",\"task\":\"t1\",\"score\":0.8}",
                        "{\"op\":\"update\",\"task\":\"t9\",\"score\":0.8}", "{\"op\":\"update\",\"task\":\"t1\",\"score\":NaN}",
                        "{\"op\":\"update_batch\",\"updates\":[{\"task\":\"t0\",\"score\":1},{\"task\":\"t2\",\"score\":0}]}", "nonsense",
                        "{\"op\":\"stats\"}"),
                "curriculum", "serve", "--algorithm", "difficulty_bins", "--bins", "3", "--tasks", tasks.toString(), "--no-store");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(7);
        assertThat(lines[0]).matches("\\{\"task\":\"t[012]\",\"label\":\"(easy|hard)\",\"bin\":0}");
        assertThat(lines[1]).isEqualTo("{\"ok\":true}");
        assertThat(lines[2]).contains("unknown task 't9'");
        assertThat(lines[3]).contains("score: must be in [0, 1], got NaN");
        assertThat(lines[4]).isEqualTo("{\"ok\":true,\"count\":2}");
        assertThat(lines[5]).contains("\"error\":\"not JSON");
        JsonNode stats = Json.read(lines[6]);
        assertThat(stats.get("updates").asLong()).isEqualTo(3);
        assertThat(stats.get("bin_counts").toString()).isEqualTo("[1,1,1]");

        var bad = CliTest.process(List.of(), "curriculum", "serve", "--algorithm", "difficulty_bins", "--bins", "0", "--tasks", tasks.toString(), "--no-store");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--bins: must be at least 1, got 0");
    }

    /** Starts a server; returns it and its port. */
    private record Server(Process process, int port) {
    }

    private Server start(Path tasks, Path db) throws Exception {
        var cmd = List.of(JAVA, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "curriculum", "serve",
                "--algorithm", "learning_progress", "--tasks", tasks.toString(), "--port", "0", "--db", db.toString(),
                "--seed", "3", "--snapshot-every", "50");
        Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("server.err").toFile()).start();
        String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(first).as("server said %s; stderr: %s", first, Files.exists(tmp.resolve("server.err"))
                ? Files.readString(tmp.resolve("server.err")) : "").startsWith("{\"listening\":");
        return new Server(p, Json.read(first).get("listening").asInt());
    }

    private static JsonNode stats(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port);
             var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            out.println("{\"op\":\"stats\"}");
            return Json.read(in.readLine());
        }
    }

    @Test
    void workerProcessesShareOneTrackerWithExactCountsAndARestartedServerContinues() throws Exception {
        Path tasks = Files.writeString(tmp.resolve("tasks.json"),
                "{\"tasks\":[{\"id\":\"a\",\"label\":\"x\"},{\"id\":\"b\",\"label\":\"x\"},{\"id\":\"c\",\"label\":\"y\"},{\"id\":\"d\",\"label\":\"y\"}]}");
        Path db = tmp.resolve("curricula");
        Server server = start(tasks, db);
        int workers = 4;
        int k = 150;
        try {
            List<Process> ps = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                ps.add(new ProcessBuilder(JAVA, "-cp", System.getProperty("java.class.path"), CurriculumWorker.class.getName(),
                        String.valueOf(server.port()), String.valueOf(k)).redirectErrorStream(true).start());
            }
            for (Process p : ps) {
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
            }
            JsonNode st = stats(server.port());
            assertThat(st.get("updates").asLong()).isEqualTo((long) workers * k);
            assertThat(st.get("samples").asLong()).isEqualTo((long) workers * k);
            long presentations = 0;
            for (JsonNode t : st.get("tasks")) {
                presentations += t.get("presentations").asLong();
            }
            assertThat(presentations).isEqualTo((long) workers * k);
            assertThat(st.get("labels").get("x").get("updates").asLong() + st.get("labels").get("y").get("updates").asLong())
                    .isEqualTo((long) workers * k);
        } finally {
            server.process().destroyForcibly(); // SIGKILL: only what was committed before each answer survives
            server.process().waitFor(30, TimeUnit.SECONDS);
        }
        Server again = start(tasks, db);
        try {
            JsonNode st = stats(again.port());
            assertThat(st.get("updates").asLong()).isEqualTo((long) workers * k);
            Process one = new ProcessBuilder(JAVA, "-cp", System.getProperty("java.class.path"), CurriculumWorker.class.getName(),
                    String.valueOf(again.port()), "10").redirectErrorStream(true).start();
            assertThat(one.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(stats(again.port()).get("updates").asLong()).isEqualTo((long) workers * k + 10);
        } finally {
            again.process().destroy();
            again.process().waitFor(30, TimeUnit.SECONDS);
        }
        try (var store = dev.orchard.engine.store.Store.open(db)) {
            var rows = new dev.orchard.engine.store.CurriculumRows(store);
            var rec = rows.find("tasks").orElseThrow();
            assertThat(rec.updates()).isEqualTo((long) workers * k + 10);
            assertThat(rows.snapshots(rec.id())).extracting(dev.orchard.engine.store.CurriculumRows.SnapshotRow::updates)
                    .contains(50L, 600L);
        }
    }
}
