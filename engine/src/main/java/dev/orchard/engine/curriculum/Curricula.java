package dev.orchard.engine.curriculum;

/** Builds curricula from specs: the one place that knows every algorithm. */
public final class Curricula {
    private Curricula() {
    }

    /** A curriculum for a spec from {@link CurriculumSpecs#parse} (options are checked again, errors name {@code $.options}). */
    public static Curriculum create(CurriculumSpec spec) {
        return create(spec, "<spec>");
    }

    public static Curriculum create(CurriculumSpec spec, String source) {
        CurriculumSpecs.validate(spec, source, "$");
        if (spec.algorithm().equals(DifficultyBins.ALGORITHM)) {
            return new DifficultyBins(spec.tasks(), CurriculumSpecs.difficultyOptions(spec.options(), source, "$.options"), spec.seed());
        }
        var options = CurriculumSpecs.progressOptions(spec.options(), source, "$.options");
        return spec.generator().isPresent()
                ? new LearningProgress(spec.generator().get(), options, spec.seed())
                : new LearningProgress(spec.tasks(), options, spec.seed());
    }
}
