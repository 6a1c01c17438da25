package dev.orchard.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.optimize.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A third party's optimizer: compiled here from source into its own jar with a {@code META-INF/services} entry, put on
 * the class path of a real CLI process, and used by name from ask-tell and from a JSON spec.
 */
class PluginOptimizerTest {
    static final String SOURCE = """
            package acme;

            import com.fasterxml.jackson.databind.JsonNode;
            import com.fasterxml.jackson.databind.node.JsonNodeFactory;
            import dev.orchard.engine.optimize.*;
            import java.util.*;

            /** Always the centre of the space, then points walking towards its upper corner. */
            public final class CentreOptimizer implements Optimizer {
                private final OptimizerContext context;
                private int asked;

                public CentreOptimizer(OptimizerContext context) { this.context = context; }

                public List<Map<String, Object>> suggest(int n) {
                    var out = new ArrayList<Map<String, Object>>();
                    for (int i = 0; i < n; i++) {
                        double[] u = new double[context.space().dimension()];
                        Arrays.fill(u, Math.min(1, 0.5 + 0.1 * asked++));
                        out.add(context.space().fromUnit(u));
                    }
                    return out;
                }

                public void observe(Observation o) { }

                public JsonNode state() { return JsonNodeFactory.instance.numberNode(asked); }

                public void restore(JsonNode state) { asked = state.asInt(); }

                public static final class Provider implements OptimizerProvider {
                    public String name() { return "centre"; }
                    public String description() { return "the centre of the space, then towards its corner (a plug-in)"; }
                    public Optimizer create(OptimizerContext context) { return new CentreOptimizer(context); }
                }
            }
            """;

    @TempDir
    Path tmp;

    @Test
    void anOptimizerInAJarOnTheClassPathIsUsableByNameFromAskTellAndFromASpec() throws Exception {
        Path jar = buildPluginJar();
        String classPath = System.getProperty("java.class.path") + File.pathSeparator + jar;

        CliTest.Result listed = CliTest.process(classPath, List.of(), "optimizers");
        assertThat(listed.code()).as(listed.err()).isZero();
        assertThat(listed.out()).contains("centre").contains("a plug-in").contains("tpe");

        Path space = tmp.resolve("space.json");
        Files.writeString(space, "{\"params\":[{\"name\":\"x1\",\"type\":\"uniform\",\"low\":-5,\"high\":10}]}");
        CliTest.Result asked = CliTest.process(classPath, List.of("{\"op\":\"ask\"}"), "ask-tell", "--space", space.toString(),
                "--optimizer", "centre");
        assertThat(asked.code()).as(asked.err()).isZero();
        assertThat(asked.out().trim()).isEqualTo("{\"trial\":0,\"params\":{\"x1\":2.5}}");

        Path spec = tmp.resolve("spec.json");
        Files.writeString(spec, Files.readString(CliTest.SAMPLE).replace("\"optimizer\": \"auto\"", "\"optimizer\": \"centre\""));
        assertThat(Files.readString(spec)).contains("\"centre\"");
        String db = tmp.resolve("history").toString();
        CliTest.Result ran = CliTest.process(classPath, List.of(), "run", spec.toString(), "--db", db, "--budget", "3", "--quiet");
        assertThat(ran.code()).as(ran.err()).isZero();
        assertThat(ran.out()).contains("completed: 3 trials");

        // without the jar the name is unknown, and the error lists what there is
        CliTest.Result missing = CliTest.cli("validate", spec.toString());
        assertThat(missing.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(missing.err()).contains("unknown optimizer 'centre'");
    }

    private Path buildPluginJar() throws Exception {
        Path src = tmp.resolve("src/acme/CentreOptimizer.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE);
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        String compileClassPath = location(Optimizer.class) + File.pathSeparator + location(JsonNode.class)
                + File.pathSeparator + location(com.fasterxml.jackson.core.JsonParser.class);
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, System.err,
                "-d", classes.toString(), "-cp", compileClassPath, "--release", "17", src.toString());
        assertThat(rc).as("javac of the plug-in").isZero();
        Path jar = tmp.resolve("acme-centre.jar");
        try (var out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/dev.orchard.engine.optimize.OptimizerProvider"));
            out.write("acme.CentreOptimizer$Provider\n".getBytes(StandardCharsets.UTF_8));
            try (var files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                    out.write(Files.readAllBytes(f));
                }
            }
        }
        return jar;
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
