package dev.orchard.engine.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.Optimizers;
import dev.orchard.engine.schedule.SchedulerContext;
import dev.orchard.engine.schedule.SchedulerSpec;
import dev.orchard.engine.schedule.Schedulers;
import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AskTellSessionTest {
    private final SearchSpace space = SearchSpace.of(new UniformParam("x", -1, 1), new IntParam("depth", 1, 3, false),
            new ChoiceParam("act", List.of("relu", "tanh")));

    private AskTellSession session(Direction d) {
        return new AskTellSession(Optimizers.create("random", new OptimizerContext(space, d, 7)), d);
    }

    private static JsonNode call(AskTellSession s, String line) throws Exception {
        return Json.WIRE.readTree(s.handle(line));
    }

    @Test
    void askTellBestRoundTrip() throws Exception {
        var s = session(Direction.MINIMIZE);
        JsonNode a0 = call(s, "{\"op\":\"ask\"}");
        JsonNode a1 = call(s, "{\"op\":\"ask\"}");
        assertThat(a0.get("trial").asInt()).isZero();
        assertThat(a1.get("trial").asInt()).isEqualTo(1);
        assertThat(a0.get("params").fieldNames()).toIterable().containsExactly("x", "depth", "act");
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":0,\"value\":2.5}").get("ok").asBoolean()).isTrue();
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":1,\"value\":-1}").get("ok").asBoolean()).isTrue();
        JsonNode best = call(s, "{\"op\":\"best\"}");
        assertThat(best.get("trial").asInt()).isEqualTo(1);
        assertThat(best.get("value").asDouble()).isEqualTo(-1.0);
        assertThat(best.get("params")).isEqualTo(a1.get("params"));
    }

    @Test
    void maximizePicksTheLargestValueAndFailedOrPrunedTrialsAreAccepted() throws Exception {
        var s = session(Direction.MAXIMIZE);
        for (int i = 0; i < 4; i++) {
            call(s, "{\"op\":\"ask\"}");
        }
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":0,\"value\":0.3}").has("ok")).isTrue();
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":1,\"value\":0.9}").has("ok")).isTrue();
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":2,\"state\":\"failed\"}").has("ok")).isTrue();
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":3,\"state\":\"pruned\",\"value\":5.0}").has("ok")).isTrue();
        assertThat(call(s, "{\"op\":\"best\"}").get("trial").asInt()).isEqualTo(1); // pruned trials are not "best"
    }

    @Test
    void badLinesGetAnErrorAndTheSessionGoesOn() throws Exception {
        var s = session(Direction.MINIMIZE);
        assertThat(call(s, "{\"op\":\"best\"}").get("error").asText()).contains("no completed trial");
        assertThat(call(s, "not json").get("error").asText()).startsWith("not JSON");
        assertThat(call(s, "[1,2]").get("error").asText()).contains("JSON object");
        assertThat(call(s, "{\"op\":\"fly\"}").get("error").asText()).contains("unknown op 'fly'").contains("ask, tell, best");
        assertThat(call(s, "{}").get("error").asText()).contains("missing \"op\"");
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":0,\"value\":1}").get("error").asText()).contains("unknown trial 0");
        call(s, "{\"op\":\"ask\"}");
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":0,\"value\":NaN}").get("error").asText()).contains("finite");
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":0,\"value\":\"1\"}").get("error").asText()).contains("must be a number");
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":0}").get("error").asText()).contains("needs \"value\"");
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":\"zero\",\"value\":1}").get("error").asText()).contains("\"trial\"");
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":0,\"state\":\"running\",\"value\":1}").get("error").asText())
                .contains("completed, failed or pruned");
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":0,\"value\":1}").get("ok").asBoolean()).isTrue();
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":0,\"value\":1}").get("error").asText()).contains("already told");
        assertThat(call(s, "{\"op\":\"report\",\"trial\":0,\"step\":1,\"value\":1}").get("error").asText()).contains("scheduler");
        assertThat(call(s, "{\"op\":\"best\"}").get("value").asDouble()).isEqualTo(1.0);
    }

    @Test
    void aSeedGivesTheSameSuggestions() throws Exception {
        var a = session(Direction.MINIMIZE);
        var b = session(Direction.MINIMIZE);
        for (int i = 0; i < 5; i++) {
            assertThat(a.handle("{\"op\":\"ask\"}")).isEqualTo(b.handle("{\"op\":\"ask\"}"));
        }
    }

    private AskTellSession scheduled(Direction d, SchedulerSpec spec) {
        var scheduler = Schedulers.create(spec, new SchedulerContext(space, d, 7, 0));
        return new AskTellSession(Optimizers.create("random", new OptimizerContext(space, d, 7)), d, Optional.of(scheduler));
    }

    /** ASHA with η = 3 and rungs at steps 1 and 3: the second trial at rung 0 is worse than the first, so it stops. */
    @Test
    void reportsAreDecidedByTheSchedulerAndAStoppedTrialIsToldPruned() throws Exception {
        var s = scheduled(Direction.MINIMIZE, SchedulerSpec.asha(1, 1, 3, 9, "stop"));
        for (int i = 0; i < 3; i++) {
            call(s, "{\"op\":\"ask\"}");
        }
        assertThat(call(s, "{\"op\":\"report\",\"trial\":0,\"step\":1,\"value\":0.5}").toString()).isEqualTo("{\"decision\":\"continue\"}");
        JsonNode stop = call(s, "{\"op\":\"report\",\"trial\":1,\"step\":1,\"value\":0.7}");
        assertThat(stop.get("decision").asText()).isEqualTo("stop");
        assertThat(stop.get("reason").asText()).contains("rung 0");
        assertThat(stop.get("details").get("cutoff").asDouble()).isEqualTo(0.5);
        assertThat(stop.get("details").get("rank").asInt()).isEqualTo(2);
        // it keeps reporting: still stop, and the scheduler is not asked again
        JsonNode again = call(s, "{\"op\":\"report\",\"trial\":1,\"step\":2,\"value\":0.1}");
        assertThat(again.get("decision").asText()).isEqualTo("stop");
        assertThat(again.get("reason").asText()).startsWith("already stopped");
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":1,\"state\":\"pruned\",\"value\":0.7}").get("ok").asBoolean()).isTrue();
        assertThat(call(s, "{\"op\":\"report\",\"trial\":1,\"step\":3,\"value\":0.1}").get("error").asText()).contains("already told");
        assertThat(call(s, "{\"op\":\"report\",\"trial\":2,\"step\":1,\"value\":0.1}").get("decision").asText()).isEqualTo("continue");
        assertThat(call(s, "{\"op\":\"report\",\"trial\":0,\"step\":3,\"value\":0.4}").get("decision").asText()).isEqualTo("continue");
        JsonNode done = call(s, "{\"op\":\"report\",\"trial\":0,\"step\":9,\"value\":0.3}");
        assertThat(done.get("decision").asText()).isEqualTo("stop");
        assertThat(done.get("reason").asText()).contains("max_steps");
        assertThat(done.get("details").get("done").asBoolean()).isTrue();
        assertThat(call(s, "{\"op\":\"tell\",\"trial\":0,\"value\":0.3}").get("ok").asBoolean()).isTrue();
        assertThat(call(s, "{\"op\":\"best\"}").get("trial").asInt()).isZero();
    }

    @Test
    void badReportsGetAnErrorAndTheSessionGoesOn() throws Exception {
        var s = scheduled(Direction.MAXIMIZE, SchedulerSpec.median(1, 1, 1));
        assertThat(call(s, "{\"op\":\"report\",\"trial\":0,\"step\":1,\"value\":1}").get("error").asText()).contains("unknown trial 0");
        call(s, "{\"op\":\"ask\"}");
        assertThat(call(s, "{\"op\":\"report\",\"trial\":0,\"value\":1}").get("error").asText()).contains("\"step\"");
        assertThat(call(s, "{\"op\":\"report\",\"trial\":0,\"step\":-1,\"value\":1}").get("error").asText()).contains("\"step\"");
        assertThat(call(s, "{\"op\":\"report\",\"trial\":0,\"step\":1.5,\"value\":1}").get("error").asText()).contains("\"step\"");
        assertThat(call(s, "{\"op\":\"report\",\"trial\":0,\"step\":1,\"value\":NaN}").get("error").asText()).contains("finite");
        assertThat(call(s, "{\"op\":\"report\",\"trial\":0,\"step\":1,\"value\":\"1\"}").get("error").asText()).contains("\"value\"");
        assertThat(call(s, "{\"op\":\"report\",\"step\":1,\"value\":1}").get("error").asText()).contains("\"trial\"");
        // median stopping through the session: trial 1's best 0.2 is below trial 0's running average 1.0 at step 1
        assertThat(call(s, "{\"op\":\"report\",\"trial\":0,\"step\":1,\"value\":1}").get("decision").asText()).isEqualTo("continue");
        call(s, "{\"op\":\"ask\"}");
        JsonNode stop = call(s, "{\"op\":\"report\",\"trial\":1,\"step\":1,\"value\":0.2}");
        assertThat(stop.get("decision").asText()).isEqualTo("stop");
        assertThat(stop.get("details").get("median").asDouble()).isEqualTo(1.0);
    }
}
