package dev.orchard.engine.pipeline;

/**
 * A reusable group of hooks that suits any data ("debug" logs every value, "production" retries, checkpoints and
 * times out): applied to one {@code through} with {@code hooks.use(set)}, or to every one with
 * {@code withGlobalHooks(g -> g.use(set))}.
 */
@FunctionalInterface
public interface HookSet {
    void apply(Hooks<?> hooks);

    default HookSet andThen(HookSet next) {
        return h -> {
            apply(h);
            next.apply(h);
        };
    }
}
