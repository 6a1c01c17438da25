package dev.orchard.engine.pipeline;

/**
 * A {@code through}: data from one node's output port to another's input port, with its contract and hooks. The
 * pseudo-node {@value Graph#INPUT} is what enters the graph, {@value Graph#OUTPUT} what leaves it.
 */
public record Edge(String from, String fromPort, String to, String toPort, DataType contract, Hooks<Object> hooks,
                   String jsonPath) {

    public String describe() {
        return from + "." + fromPort + " → " + to + "." + toPort;
    }
}
