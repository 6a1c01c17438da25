package dev.orchard.engine.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Hooks for every stage of a pipeline, loops and sub-pipelines included: {@code before(stage, input)} and
 * {@code after(stage, output)}, profiling, and hook sets applied to every {@code through} (before its own hooks,
 * which therefore win where both set the same thing).
 */
public final class GlobalHooks {
    final List<BiConsumer<String, Object>> before = new ArrayList<>();
    final List<BiConsumer<String, Object>> after = new ArrayList<>();
    final List<HookSet> sets = new ArrayList<>();
    boolean profile;

    /** Runs before each stage with the stage's path and its input (a map when it has several input ports). */
    public GlobalHooks before(BiConsumer<String, Object> hook) {
        before.add(hook);
        return this;
    }

    /** Runs after each stage with the stage's path and its output. */
    public GlobalHooks after(BiConsumer<String, Object> hook) {
        after.add(hook);
        return this;
    }

    public GlobalHooks profile() {
        profile = true;
        return this;
    }

    public GlobalHooks use(HookSet set) {
        sets.add(set);
        return this;
    }
}
