package dev.orchard.engine.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What stage types may know while a spec is read: the whole experiment spec (its space, objective and optimizer are
 * defaults for sweep stages), where relative paths resolve, and the source name for errors.
 */
public record StageEnvironment(JsonNode experimentSpec, Optional<Path> baseDir, String source) {
}
