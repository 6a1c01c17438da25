package dev.orchard.app;

import dev.orchard.app.shell.Theme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LaunchOptionsTest {

    @Test
    void parsesAllOptions() {
        LaunchOptions o = LaunchOptions.parse(List.of("--db", "/tmp/h", "--open=spec.json", "--theme", "DARK", "--autostart"));
        assertThat(o.database()).contains(Path.of("/tmp/h"));
        assertThat(o.spec()).contains(Path.of("spec.json"));
        assertThat(o.theme()).isEqualTo(Theme.DARK);
        assertThat(o.autostart()).isTrue();
        assertThat(o.help()).isFalse();
    }

    @Test
    void defaults() {
        LaunchOptions o = LaunchOptions.parse(List.of());
        assertThat(o.database()).isEmpty();
        assertThat(o.databaseOrDefault()).isNotNull();
        assertThat(o.theme()).isEqualTo(Theme.LIGHT);
        assertThat(o.autostart()).isFalse();
    }

    @Test
    void badInputSaysWhat() {
        assertThatThrownBy(() -> LaunchOptions.parse(List.of("--db"))).hasMessageContaining("--db needs a value");
        assertThatThrownBy(() -> LaunchOptions.parse(List.of("--theme", "pink"))).hasMessageContaining("light or dark");
        assertThatThrownBy(() -> LaunchOptions.parse(List.of("--frobnicate"))).hasMessageContaining("unknown option '--frobnicate'");
        assertThat(LaunchOptions.parse(List.of("--help")).help()).isTrue();
    }

    @Test
    void findsTheSampleUnderOrchardHomeThenTheWorkingDirectory(@TempDir Path tmp) throws Exception {
        LaunchOptions o = LaunchOptions.parse(List.of());
        Path repo = Path.of(System.getProperty("orchard.repo.root"));
        assertThat(o.specToOpen(Optional.of(repo.toString()), tmp)).contains(repo.resolve(LaunchOptions.SAMPLE));
        assertThat(o.specToOpen(Optional.empty(), repo)).contains(repo.resolve(LaunchOptions.SAMPLE));
        assertThat(o.specToOpen(Optional.of(tmp.toString()), tmp)).isEmpty();
        Path explicit = Files.writeString(tmp.resolve("x.json"), "{}");
        assertThat(LaunchOptions.parse(List.of("--open", explicit.toString())).specToOpen(Optional.of(repo.toString()), tmp))
                .contains(explicit);
    }
}
