package dev.orchard.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile clients of the JSON-lines servers, against a real {@code orchard curriculum serve --port} process with a
 * 64 MB heap on 127.0.0.1: an endless line, hundreds of idle connections, clients that say nothing.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServeLimitsTest {
    static final String BUSY = "{\"error\":\"the server is busy: it serves at most 8 clients at once; try again later\"}";

    @TempDir
    Path tmp;

    private final List<Process> servers = new ArrayList<>();

    private record Server(Process process, int port) {
    }

    @AfterEach
    void stopServers() throws Exception {
        for (Process p : servers) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Server start(String... options) throws Exception {
        Path tasks = Files.writeString(tmp.resolve("tasks.json"), "{\"tasks\":[{\"id\":\"a\"},{\"id\":\"b\"}]}");
        var cmd = new ArrayList<>(List.of(CurriculumServeTest.JAVA, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "curriculum", "serve",
                "--algorithm", "learning_progress", "--tasks", tasks.toString(), "--port", "0", "--no-store"));
        cmd.addAll(Arrays.asList(options));
        Path err = tmp.resolve("server-" + servers.size() + ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        servers.add(p);
        String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(first).as("server said %s; stderr: %s", first, Files.readString(err)).startsWith("{\"listening\":");
        return new Server(p, Json.read(first).get("listening").asInt());
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(60_000); // no read in these tests waits for ever
        return s;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    /** One request on a connection of its own; the answer line. */
    private static String ask(int port, String request) throws IOException {
        try (Socket s = connect(port)) {
            s.getOutputStream().write((request + "\n").getBytes(StandardCharsets.UTF_8));
            return reader(s).readLine();
        }
    }

    /** After the server's last answer the connection ends: end of stream, or a reset if the client was still sending. */
    private static void assertClosedByServer(BufferedReader in) throws IOException {
        try {
            assertThat(in.readLine()).isNull();
        } catch (SocketException reset) {
            assertThat(reset.getMessage()).containsIgnoringCase("reset");
        }
    }

    private static int threads(Process p) throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(p.pid()), "status")).stream().filter(l -> l.startsWith("Threads:"))
                .mapToInt(l -> Integer.parseInt(l.substring("Threads:".length()).trim())).findFirst().orElseThrow();
    }

    @Test
    void anEndlessLineIsRefusedAtTheLimitAndTheServerGoesOnWithinA64MbHeap() throws Exception {
        Server server = start();
        long line = 200L << 20;
        AtomicLong sent = new AtomicLong();
        try (Socket s = connect(server.port())) {
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[1 << 16];
                Arrays.fill(chunk, (byte) 'a');
                try {
                    OutputStream out = s.getOutputStream();
                    out.write("{\"op\":\"stats\",\"pad\":\"".getBytes(StandardCharsets.UTF_8));
                    while (sent.get() < line) { // 200 MB and never a newline, generated as it goes
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException dropped) {
                    // the server closed the connection: what this test expects
                }
            }, "endless-line");
            writer.start();
            BufferedReader in = reader(s);
            assertThat(in.readLine()).isEqualTo("{\"error\":\"line 1 is longer than 10000000 bytes, the most a request line may have; "
                    + "the client is dropped\"}");
            assertClosedByServer(in);
            writer.join(TimeUnit.SECONDS.toMillis(120));
            assertThat(writer.isAlive()).isFalse();
            assertThat(sent.get()).as("the server stopped reading long before the end").isLessThan(line);
        }
        assertThat(server.process().isAlive()).as("an OutOfMemoryError would have ended it").isTrue();
        assertThat(Json.read(ask(server.port(), "{\"op\":\"stats\"}")).has("updates")).isTrue();
        assertThat(Files.readString(tmp.resolve("server-0.err"))).contains("line 1 is longer than 10000000 bytes");
    }

    @Test
    void clientsOverTheCapAreRefusedAtOnceAndHoldNoThread() throws Exception {
        Server server = start("--max-clients", "8", "--idle-timeout", "0");
        int before = threads(server.process());
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) { // served, then idle
                Socket s = connect(server.port());
                open.add(s);
                new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8).println("{\"op\":\"stats\"}");
                assertThat(reader(s).readLine()).contains("\"updates\"");
            }
            for (int i = 8; i < 500; i++) { // all kept open on this side
                Socket s = connect(server.port());
                open.add(s);
                BufferedReader in = reader(s);
                assertThat(in.readLine()).as("connection %d", i).isEqualTo(BUSY);
                assertClosedByServer(in);
            }
            int during = threads(server.process());
            assertThat(during).as("threads before: %d", before).isLessThanOrEqualTo(before + 8 + 16);
            // a refused client sending at once still reads why
            try (Socket s = connect(server.port())) {
                s.getOutputStream().write("{\"op\":\"stats\"}\n".getBytes(StandardCharsets.UTF_8));
                assertThat(reader(s).readLine()).isEqualTo(BUSY);
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        // the served ones left: their places are free again (as soon as the server has seen them go)
        String answer = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> ask(server.port(), "{\"op\":\"sample\"}"), a -> !a.equals(BUSY));
        assertThat(answer).matches("\\{\"task\":\"[ab]\"}");
    }

    @Test
    void idleClientsAreToldAndClosedSoTheyCannotHoldThePlaces() throws Exception {
        Server server = start("--max-clients", "2", "--idle-timeout", "1");
        try (Socket a = connect(server.port()); Socket b = connect(server.port())) {
            for (Socket s : List.of(a, b)) {
                BufferedReader in = reader(s);
                assertThat(in.readLine()).isEqualTo("{\"error\":\"no request for 1 s; the connection is closed (connect again to go on)\"}");
                assertClosedByServer(in);
            }
        }
        String answer = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> ask(server.port(), "{\"op\":\"sample\"}"), a -> a.startsWith("{\"task\""));
        assertThat(answer).matches("\\{\"task\":\"[ab]\"}");
        JsonNode stats = Json.read(ask(server.port(), "{\"op\":\"stats\"}"));
        assertThat(stats.get("samples").asLong()).isEqualTo(1);
    }

    @Test
    void onStandardInputAnOverlongLineIsAnsweredAndEndsTheSessionWithExitCode2() throws Exception {
        Path space = Files.writeString(tmp.resolve("space.json"), "{\"params\":[{\"name\":\"x\",\"type\":\"uniform\",\"low\":0,\"high\":1}]}");
        var r = CliTest.process(List.of("{\"op\":\"ask\"}", "{\"op\":\"tell\",\"trial\":0,\"value\":\"" + "a".repeat(1_500_000) + "\"}",
                "{\"op\":\"ask\"}"), "ask-tell", "--space", space.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(Main.BAD_INPUT);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("{\"trial\":0,");
        assertThat(lines.get(1)).isEqualTo("{\"error\":\"line 2 is longer than 1000000 bytes, the most a request line may have; "
                + "the client is dropped\"}");
        assertThat(r.err().strip()).isEqualTo("orchard: standard input: line 2 is longer than 1000000 bytes");
    }
}
