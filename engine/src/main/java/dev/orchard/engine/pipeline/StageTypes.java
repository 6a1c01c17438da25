package dev.orchard.engine.pipeline;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of stage types: the engine's built-ins (registered by the experiment package), plug-ins found through
 * {@link ServiceLoader} ({@link Provider}), and any registered from code. Names are unique.
 */
public final class StageTypes {
    /** A plug-in jar lists its provider in {@code META-INF/services/dev.orchard.engine.pipeline.StageTypes$Provider}. */
    public interface Provider {
        Collection<StageType> stageTypes();
    }

    private static final Map<String, StageType> TYPES = new ConcurrentHashMap<>();
    private static volatile boolean loaded;

    private StageTypes() {
    }

    public static void register(StageType type) {
        StageType old = TYPES.putIfAbsent(type.name(), type);
        if (old != null && old != type && !old.getClass().equals(type.getClass())) {
            throw new IllegalStateException("two stage types are named '" + type.name() + "'");
        }
    }

    public static Optional<StageType> get(String name) {
        load();
        return Optional.ofNullable(TYPES.get(name));
    }

    /** Every stage type by name (the palette). */
    public static Map<String, StageType> all() {
        load();
        return new TreeMap<>(TYPES);
    }

    private static void load() {
        if (!loaded) {
            synchronized (StageTypes.class) {
                if (!loaded) {
                    for (Provider p : ServiceLoader.load(Provider.class)) {
                        p.stageTypes().forEach(StageTypes::register);
                    }
                    loaded = true;
                }
            }
        }
    }
}
