package dev.orchard.engine.curriculum;

/** One result: the score (success, normalised reward) in [0, 1] a worker got on a task. */
public record Update(String task, double score) {
}
