package dev.orchard.engine.optimize;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The registry of optimizers by name. */
public final class Optimizers {
    private Optimizers() {
    }

    /** Every available provider by name (built-ins and plug-ins on the class path), sorted. */
    public static Map<String, OptimizerProvider> available() {
        var out = new TreeMap<String, OptimizerProvider>();
        for (OptimizerProvider p : ServiceLoader.load(OptimizerProvider.class, Optimizers.class.getClassLoader())) {
            out.putIfAbsent(p.name(), p);
        }
        return out;
    }

    /** Creates the named optimizer; an unknown name gets an error that lists the valid ones. */
    public static Optimizer create(String name, OptimizerContext context) {
        var all = available();
        OptimizerProvider p = all.get(name == null ? "" : name.toLowerCase(java.util.Locale.ROOT));
        if (p == null) {
            throw new UnknownOptimizerException(name, all.keySet());
        }
        context.space().validate();
        return p.create(context);
    }

    /** Fails for an unknown name, listing the valid ones. */
    public static void checkName(String name) {
        var all = available();
        if (!all.containsKey(name == null ? "" : name.toLowerCase(java.util.Locale.ROOT))) {
            throw new UnknownOptimizerException(name, all.keySet());
        }
    }

    public static final class UnknownOptimizerException extends IllegalArgumentException {
        public UnknownOptimizerException(String name, java.util.Collection<String> valid) {
            super("unknown optimizer '" + name + "'; valid optimizers: " + String.join(", ", valid));
        }
    }
}
