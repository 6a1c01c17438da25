package dev.orchard.engine.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI in its own JVM, logging as it ships (its logback.xml, not the tests' configuration). */
public final class CliProcess {
    private CliProcess() {
    }

    /** What a run printed and how it ended. */
    public record Result(int code, String out, String err) {
    }

    public static Result run(String... args) throws Exception {
        var cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dlogback.configurationFile=" + Path.of(Main.class.getResource("/logback.xml").toURI()),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        var err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err.get(60, TimeUnit.SECONDS));
    }
}
