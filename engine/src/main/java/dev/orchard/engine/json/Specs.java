package dev.orchard.engine.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.orchard.engine.execute.BuiltinFunctions;
import dev.orchard.engine.execute.CommandLine;
import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.experiment.ObjectiveSpec;
import dev.orchard.engine.optimize.Optimizers;
import dev.orchard.engine.schedule.SchedulerSpecException;
import dev.orchard.engine.schedule.Schedulers;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.SpaceException;
import dev.orchard.engine.store.Columns;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Reads, checks and writes experiment specs ({@value ExperimentSpec#FORMAT}) and search-space files. */
public final class Specs {
    private Specs() {
    }

    /** Reads and validates a spec file; every problem is a {@link SpecException} that says where. */
    public static ExperimentSpec read(Path file) {
        return parse(readText(file), file.toString());
    }

    /** Parses and validates spec text; {@code source} names it in errors. */
    public static ExperimentSpec parse(String text, String source) {
        JsonNode tree = tree(text, source);
        if (!tree.isObject()) {
            throw new SpecException(source, 0, 0, "$", "an experiment spec must be a JSON object", null);
        }
        JsonNode format = tree.get("format");
        if (format == null || !format.isTextual()) {
            throw new SpecException(source, 0, 0, "$.format", "missing; an experiment spec starts with \"format\": \""
                    + ExperimentSpec.FORMAT + "\"", null);
        }
        if (!ExperimentSpec.FORMAT.equals(format.asText())) {
            throw new SpecException(source, 0, 0, "$.format", "unsupported format '" + format.asText()
                    + "'; this Orchard reads " + ExperimentSpec.FORMAT, null);
        }
        ExperimentSpec spec = bind(text, source, ExperimentSpec.class);
        validate(spec, source);
        return spec;
    }

    /** Reads a search-space file ({@code {"params":[...]}}) and validates it. */
    public static SearchSpace readSpace(Path file) {
        String source = file.toString();
        SearchSpace space = bind(readText(file), source, SearchSpace.class);
        validateSpace(space, source, "$");
        return space;
    }

    public static String write(ExperimentSpec spec) {
        try {
            return Json.SPEC.writeValueAsString(spec) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks the content of a bound spec; throws {@link SpecException} naming the JSON path. */
    public static void validate(ExperimentSpec spec, String source) {
        if (spec.isPipeline()) {
            validatePipeline(spec, source);
            return;
        }
        validateRun(spec, source);
        if (spec.objective() == null) {
            throw err(source, "$.objective", "missing; say what a trial computes ({\"type\":\"builtin\",...} or {\"type\":\"command\",...})");
        }
        validateObjective(spec.objective(), spec.space(), source);
    }

    /** Checks everything but the objective (for sweeps whose objective is Java code). */
    public static void validateRun(ExperimentSpec spec, String source) {
        validateName(spec, source);
        if (spec.space() == null) {
            throw err(source, "$.space", "missing; an experiment needs a search space {\"params\":[...]}");
        }
        validateSpace(spec.space(), source, "$.space");
        try {
            Optimizers.checkName(spec.optimizer().name());
        } catch (IllegalArgumentException e) {
            throw err(source, "$.optimizer", e.getMessage());
        }
        try {
            Schedulers.validate(spec.scheduler());
        } catch (SchedulerSpecException e) {
            throw err(source, e.field().isEmpty() ? "$.scheduler" : "$.scheduler." + e.field(), e.getMessage());
        }
        if (spec.scheduler().model() != null) {
            checkModel(spec.scheduler().model(), spec.space(), source, "$.scheduler.model");
        }
        if (spec.predict() != null) {
            validatePredict(spec.predict(), spec.space(), source);
        }
        if (spec.budget() == null) {
            throw err(source, "$.budget", "missing; how many trials should the experiment run?");
        }
        if (spec.budget() < 1 || spec.budget() > 10_000_000) {
            throw err(source, "$.budget", "must be between 1 and 10000000, got " + spec.budget());
        }
    }

    /** The name and description: present, and no longer than the history keeps ({@link Columns}). */
    private static void validateName(ExperimentSpec spec, String source) {
        if (spec.name() == null || spec.name().isBlank()) {
            throw err(source, "$.name", "missing; give the experiment a name");
        }
        String problem = Columns.tooLong(spec.name(), Columns.NAME);
        if (problem != null) {
            throw err(source, "$.name", problem);
        }
        problem = Columns.tooLong(spec.description(), Columns.DESCRIPTION);
        if (problem != null) {
            throw err(source, "$.description", problem);
        }
    }

    /** How a spec is named in errors: its name, cut short when long (a name may be what is wrong with it). */
    public static String label(ExperimentSpec spec) {
        return spec.name() == null || spec.name().isBlank() ? "experiment" : Columns.preview(spec.name());
    }

    /** Live curve prediction: a model must be one this Orchard reads, for this experiment's parameters. */
    private static void validatePredict(dev.orchard.engine.experiment.PredictSpec p, SearchSpace space, String source) {
        if (p.model() != null) {
            checkModel(p.model(), space, source, "$.predict.model");
        }
        if (p.every() != null && p.every() < 1) {
            throw err(source, "$.predict.every", "must be at least 1 (predict after every N new reports), got " + p.every());
        }
        if (p.minTrials() != null && p.minTrials() < 1) {
            throw err(source, "$.predict.min_trials", "must be at least 1, got " + p.minTrials());
        }
        if (p.horizon() != null && p.horizon() < 1) {
            throw err(source, "$.predict.horizon", "must be at least 1 step, got " + p.horizon());
        }
        if (p.points() != null && (p.points() < 1 || p.points() > 10_000)) {
            throw err(source, "$.predict.points", "must be between 1 and 10000, got " + p.points());
        }
    }

    private static void checkModel(String model, SearchSpace space, String source, String at) {
        try {
            dev.orchard.engine.predict.CurveModelFiles.checkFor(Path.of(model), space);
        } catch (dev.orchard.engine.predict.CurveDataException | java.nio.file.InvalidPathException e) {
            throw err(source, at, e.getMessage() + " (train a model for this experiment with `orchard curves fit`, or leave "
                    + "the model out to forecast from the sweep's completed trials)");
        }
    }

    /**
     * A pipeline experiment: its name, the defaults it gives sweep stages (each checked when present), then the whole
     * pipeline — stage types, settings, wiring, contracts — with every problem reported at once.
     */
    private static void validatePipeline(ExperimentSpec spec, String source) {
        validateName(spec, source);
        if (spec.space() != null) {
            validateSpace(spec.space(), source, "$.space");
        }
        try {
            Optimizers.checkName(spec.optimizer().name());
        } catch (IllegalArgumentException e) {
            throw err(source, "$.optimizer", e.getMessage());
        }
        if (spec.budget() != null && (spec.budget() < 1 || spec.budget() > 10_000_000)) {
            throw err(source, "$.budget", "must be between 1 and 10000000, got " + spec.budget());
        }
        try {
            dev.orchard.engine.experiment.PipelineExperiments.build(spec, java.util.Optional.empty());
        } catch (dev.orchard.engine.pipeline.PipelineException e) {
            var problems = e.problems();
            if (problems.size() == 1) {
                var p = problems.get(0);
                throw err(source, p.jsonPath(), (p.stage().isEmpty() ? "" : "stage '" + p.stage() + "': ") + p.message());
            }
            throw err(source, "", problems.size() + " problems in the pipeline:\n  "
                    + String.join("\n  ", problems.stream().map(Object::toString).toList()));
        }
    }

    private static void validateObjective(ObjectiveSpec objective, SearchSpace space, String source) {
        if (objective instanceof ObjectiveSpec.Builtin b) {
            BuiltinFunctions.Function f;
            try {
                f = BuiltinFunctions.get(b.function());
            } catch (IllegalArgumentException e) {
                throw err(source, "$.objective.function", e.getMessage());
            }
            Set<String> numeric = space.params().stream().filter(p -> !(p instanceof dev.orchard.engine.space.ChoiceParam c) || c.numeric())
                    .map(Param::name).collect(Collectors.toSet());
            List<String> missing = f.params().stream().filter(p -> !numeric.contains(p)).toList();
            if (!missing.isEmpty()) {
                throw err(source, "$.objective.function", f.name() + " needs numeric parameters " + f.params()
                        + "; the space lacks " + missing);
            }
            if (b.curveSteps() < 0 || b.curveSteps() > 100_000) {
                throw err(source, "$.objective.curve_steps", "must be between 0 and 100000, got " + b.curveSteps());
            }
            if (b.delayMs() < 0 || b.delayMs() > 3_600_000) {
                throw err(source, "$.objective.delay_ms", "must be between 0 and 3600000, got " + b.delayMs());
            }
        } else if (objective instanceof ObjectiveSpec.Command c) {
            if (c.command().isEmpty() || c.command().get(0).isBlank()) {
                throw err(source, "$.objective.command", "missing or empty; give the program to run and its arguments");
            }
            Set<String> known = new TreeSet<>(space.params().stream().map(Param::name).toList());
            known.addAll(CommandLine.BUILTIN_PLACEHOLDERS);
            for (int i = 0; i < c.command().size(); i++) {
                try {
                    for (String name : CommandLine.placeholders(c.command().get(i))) {
                        if (!known.contains(name)) {
                            throw new IllegalArgumentException("{" + name + "} is not a parameter; known: " + known);
                        }
                    }
                } catch (IllegalArgumentException e) {
                    throw err(source, "$.objective.command[" + i + "]", e.getMessage());
                }
            }
            try {
                CommandLine.check(c.command(), name -> CommandLine.BUILTIN_PLACEHOLDERS.contains(name) || space.params().stream()
                        .anyMatch(p -> p.name().equals(name) && !(p instanceof dev.orchard.engine.space.ChoiceParam ch && !ch.numeric())));
            } catch (CommandLine.CheckedArgument e) {
                throw err(source, "$.objective.command[" + e.index() + "]", e.getMessage());
            }
            if (c.metric().isBlank()) {
                throw err(source, "$.objective.metric", "must name the reported metric that is the trial's value");
            }
            if (Columns.tooLong(c.metric(), Columns.PREDICTION_METRIC) != null) {
                throw err(source, "$.objective.metric", Columns.tooLong(c.metric(), Columns.PREDICTION_METRIC));
            }
            if (c.timeoutSeconds() != null && !(c.timeoutSeconds() > 0)) {
                throw err(source, "$.objective.timeout_seconds", "must be a positive number of seconds, got " + c.timeoutSeconds());
            }
        }
    }

    private static void validateSpace(SearchSpace space, String source, String at) {
        for (int i = 0; i < space.params().size(); i++) {
            Param p = space.params().get(i);
            String problem = p == null ? null : Columns.tooLong(p.name(), Columns.NAME);
            if (problem != null) {
                throw err(source, at + ".params[" + i + "].name", problem);
            }
            if (p instanceof dev.orchard.engine.space.ChoiceParam c) {
                for (int k = 0; k < c.values().size(); k++) {
                    if (c.values().get(k) instanceof String v && Columns.tooLong(v, Columns.VALUE) != null) {
                        throw err(source, at + ".params[" + i + "].values[" + k + "]", Columns.tooLong(v, Columns.VALUE));
                    }
                }
            }
        }
        try {
            space.validate();
        } catch (SpaceException e) {
            int index = -1;
            for (int i = 0; i < space.params().size(); i++) {
                Param p = space.params().get(i);
                if (p != null && p.name() != null && p.name().equals(e.param())) {
                    index = i;
                    break;
                }
                if (p == null || p.name() == null || p.name().isBlank()) {
                    index = index < 0 ? i : index;
                }
            }
            String path = index >= 0 ? at + ".params[" + index + "]" : at + ".params";
            throw err(source, path, e.getMessage());
        }
    }

    static SpecException err(String source, String path, String problem) {
        return new SpecException(source, 0, 0, path, problem, null);
    }

    /** A spec or export file's text: a regular file of at most {@link InputFiles#DOCUMENT_MAX} bytes of UTF-8. */
    public static String readText(Path file) {
        try {
            return InputFiles.readString(file, InputFiles.DOCUMENT_MAX);
        } catch (RefusedInputException e) {
            throw new SpecException(file.toString(), 0, 0, "", e.problem(), e);
        } catch (NoSuchFileException e) {
            throw new SpecException(file.toString(), 0, 0, "", "no such file", e);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new SpecException(file.toString(), 0, 0, "", "not UTF-8 text", e);
        } catch (IOException e) {
            throw new SpecException(file.toString(), 0, 0, "", "cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses JSON text into a tree with syntax errors located by line and column. */
    public static JsonNode tree(String text, String source) {
        try {
            JsonNode n = Json.SPEC.readTree(text);
            if (n == null || n.isMissingNode()) {
                throw new SpecException(source, 0, 0, "", "empty; expected a JSON object", null);
            }
            return n;
        } catch (JsonProcessingException e) {
            throw translate(e, source);
        }
    }

    /** Binds JSON text to a type, translating Jackson's errors into ones that say where and what. */
    public static <T> T bind(String text, String source, Class<T> type) {
        try {
            T value = Json.SPEC.readValue(text, type);
            if (value == null) {
                throw new SpecException(source, 0, 0, "$", "is null; expected a JSON object", null);
            }
            return value;
        } catch (MismatchedInputException e) {
            // Jackson builds a record before it reports unknown properties, so a misspelt "lowx" would surface as a
            // missing "low". Bind again leniently about missing values to report the misspelling itself instead.
            if (!(e instanceof UnrecognizedPropertyException)) {
                try {
                    Json.SPEC.readerFor(type).without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                            .readValue(text);
                } catch (UnrecognizedPropertyException unknown) {
                    throw translate(unknown, source);
                } catch (JsonProcessingException | RuntimeException ignored) {
                    // no misspelling behind it: report the original problem
                }
            }
            throw translate(e, source);
        } catch (JsonProcessingException e) {
            throw translate(e, source);
        }
    }

    static SpecException translate(JsonProcessingException e, String source) {
        JsonLocation loc = e.getLocation();
        int line = loc == null ? 0 : loc.getLineNr();
        int col = loc == null ? 0 : loc.getColumnNr();
        String path = e instanceof JsonMappingException m ? path(m.getPath()) : "";
        String problem;
        if (e instanceof UnrecognizedPropertyException u) {
            var known = u.getKnownPropertyIds() == null ? List.of() : u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            problem = "unknown property '" + u.getPropertyName() + "'" + (known.isEmpty() ? "" : "; expected one of " + known);
        } else if (e instanceof InvalidTypeIdException t) {
            problem = t.getTypeId() == null ? "missing \"type\"" + typeHint(t) : "unknown type '" + t.getTypeId() + "'" + typeHint(t);
        } else if (e instanceof ValueInstantiationException v && v.getCause() != null) {
            problem = v.getCause().getMessage();
        } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String original = firstLine(e.getOriginalMessage());
            problem = original.startsWith("Cannot map `null`") || original.startsWith("Missing required creator property")
                    ? "missing or null; expected " + friendly(m.getTargetType())
                    : "expected " + friendly(m.getTargetType()) + ": " + original;
        } else if (e instanceof DatabindException) {
            problem = firstLine(e.getOriginalMessage());
        } else {
            problem = "invalid JSON: " + firstLine(e.getOriginalMessage());
        }
        return new SpecException(source, line, col, path, problem, e);
    }

    private static String typeHint(InvalidTypeIdException t) {
        if (t.getBaseType() != null && t.getBaseType().getRawClass() == Param.class) {
            return "; a parameter's type is one of uniform, log_uniform, int, choice";
        }
        if (t.getBaseType() != null && t.getBaseType().getRawClass() == ObjectiveSpec.class) {
            return "; an objective's type is builtin or command";
        }
        return "";
    }

    private static String friendly(Class<?> c) {
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
            return "an integer";
        }
        if (c == double.class || c == Double.class) {
            return "a number";
        }
        if (c == String.class) {
            return "a string";
        }
        if (c == boolean.class || c == Boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(c)) {
            return "a list";
        }
        return "a " + c.getSimpleName();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder b = new StringBuilder("$");
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                b.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }
}
