package dev.orchard.engine.optimize;

/**
 * A named optimizer factory. Built-ins and plug-ins alike are found through {@link java.util.ServiceLoader}: a plug-in
 * jar lists its class in {@code META-INF/services/dev.orchard.engine.optimize.OptimizerProvider} and is then usable by
 * name from JSON specs and the CLI.
 */
public interface OptimizerProvider {

    /** The name users write ("random", "sobol", ...), lower case. */
    String name();

    /** One line for listings. */
    String description();

    Optimizer create(OptimizerContext context);
}
