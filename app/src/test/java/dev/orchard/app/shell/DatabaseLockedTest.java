package dev.orchard.app.shell;

import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.store.StoreLockedException;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.orchard.app.shell.FxTests.fx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A database held by another process gets a dialog that says so (what OrchardApp shows at start-up). */
@ExtendWith(ApplicationExtension.class)
class DatabaseLockedTest {
    @TempDir
    Path tmp;

    @Start
    void start(Stage stage) {
        // no main window needed
    }

    /** Run in a second JVM: opens the database and holds it until its input closes. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (Orchard o = Orchard.open(Path.of(args[0]))) {
                System.out.println("holding");
                System.out.flush();
                System.in.read();
            }
        }
    }

    @Test
    void anotherProcessHoldingTheDatabaseGetsAClearDialog(FxRobot robot) throws Exception {
        Path db = tmp.resolve("history");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(), db.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.contains("holding")) {
                // skip log lines
            }
            assertThat(line).as("the holder process started").isNotNull();

            Throwable failure = catchThrowable(() -> Orchard.open(db).close());
            assertThat(failure).isInstanceOf(StoreLockedException.class);

            Alert alert = fx(() -> {
                Alert a = ErrorDialogs.databaseFailure(failure, db);
                a.show();
                return a;
            });
            try {
                assertThat(fx(alert::getHeaderText)).isEqualTo("The history database is in use by another Orchard process");
                String text = fx(() -> robot.lookup("#errorText").queryAs(Label.class).getText());
                assertThat(text).contains(db.toAbsolutePath().toString(), "--db PATH");
            } finally {
                fx(() -> {
                    alert.close();
                    return null;
                });
            }
        } finally {
            holder.getOutputStream().close();
            if (!holder.waitFor(20, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        }
    }
}
