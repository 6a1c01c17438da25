package dev.orchard.app.canvas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.pipeline.ConfigField;
import dev.orchard.engine.pipeline.PipelineSpec;
import dev.orchard.engine.pipeline.StageType;
import javafx.beans.value.ObservableValue;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.controlsfx.control.PropertySheet;
import org.controlsfx.property.editor.DefaultPropertyEditorFactory;
import org.controlsfx.property.editor.Editors;
import org.controlsfx.property.editor.PropertyEditor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The inspector: the settings of what is selected, generated from its schema — a stage's {@link ConfigField}s, a
 * loop's condition, a connection's contract and hooks, or (with nothing selected) the experiment's own defaults —
 * in a ControlsFX {@link PropertySheet}, with the problems of the selection listed under it and the fields they name
 * marked. Empty text means "not set": the default applies.
 */
final class InspectorView extends VBox {
    private static final List<ConfigField> LOOP = List.of(
            ConfigField.optional("times", "integer", null, "run the body this many times"),
            ConfigField.optional("for_each", "string", null, "a variable name: run the body once per value"),
            ConfigField.optional("values", "list", null, "the values of for_each, a JSON list"),
            ConfigField.optional("max_iterations", "integer", 10000, "a safety bound"));
    private static final List<ConfigField> EXPERIMENT = List.of(
            ConfigField.optional("name", "string", null, "the experiment's name (stored runs are listed by it)"),
            ConfigField.optional("description", "string", null, "what it is for"),
            ConfigField.optional("budget", "integer", null, "trials of a sweep stage that sets none"),
            ConfigField.optional("seed", "integer", 0, "the seed of every stage that sets none"),
            ConfigField.choice("direction", List.of("minimize", "maximize"), "minimize", "whether lower or higher is better"),
            ConfigField.optional("space", "object", null, "the search space {\"params\": [...]}: the default of sweep stages"),
            ConfigField.optional("objective", "object", null, "what a trial computes: the default of sweep stages"),
            ConfigField.optional("optimizer", "object", null, "{\"name\": \"gp\"}: the default of sweep stages"),
            ConfigField.optional("scheduler", "object", null, "{\"type\": \"asha\", ...}: the default of sweep stages"),
            ConfigField.optional("resources", "object", null, "GPUs and CPU slots trials share"));
    private static final List<ConfigField> EDGE = List.of(
            ConfigField.optional("contract", "string", null, "a type what passes must satisfy (\"SweepResult\", \"(best=number)\")"),
            ConfigField.optional("checkpoint", "boolean", false, "store what passes, so a resumed run starts after it"),
            ConfigField.optional("cache", "boolean", false, "reuse the stage's output for the same input"),
            ConfigField.optional("cache_version", "string", null, "change it to invalidate the cache"),
            ConfigField.optional("timeout_seconds", "number", null, "fail the stage after this long"),
            ConfigField.optional("retry", "integer", null, "retries when the stage fails"),
            ConfigField.optional("retry_backoff_seconds", "number", null, "wait before a retry (doubles each time)"),
            ConfigField.choice("on_error", List.of("fail", "skip"), "fail", "skip: what depends on a failed stage is skipped"),
            ConfigField.optional("profile", "boolean", false, "report the stage's time and memory"),
            ConfigField.optional("metrics", "list", null, "numeric fields of what passes, reported as metrics (comma-separated)"),
            ConfigField.optional("require", "list", null, "fields that must be present and non-empty (comma-separated)"));

    private final CanvasViewModel vm;
    private final Label title = new Label();
    private final Label subtitle = new Label();
    private final TextField name = new TextField();
    private final Label nameError = new Label();
    private final PropertySheet sheet = new PropertySheet();
    private final TextArea raw = new TextArea();
    private final VBox messages = new VBox(4);
    private final Map<String, Node> editors = new HashMap<>();
    private final Map<String, String> localErrors = new LinkedHashMap<>();
    private String shownKey = "";
    private Object shownModel;
    private boolean writing;
    private String nameOf = "";

    InspectorView(CanvasViewModel vm) {
        this.vm = vm;
        getStyleClass().add("inspector");
        setId("inspector");
        Label header = new Label("Inspector");
        header.getStyleClass().add("panel-header");
        header.setMaxWidth(Double.MAX_VALUE);
        title.getStyleClass().add("inspector-title");
        title.setId("inspectorTitle");
        subtitle.getStyleClass().add("inspector-subtitle");
        subtitle.setWrapText(true);
        name.setId("inspectorName");
        name.setPromptText("stage name");
        name.setOnAction(e -> commitName());
        name.focusedProperty().addListener((o, a, f) -> {
            if (!f) {
                commitName();
            }
        });
        nameError.getStyleClass().add("field-message");
        nameError.setWrapText(true);
        nameError.setManaged(false);
        nameError.setVisible(false);
        sheet.setId("inspectorSheet");
        sheet.setModeSwitcherVisible(false);
        sheet.setSearchBoxVisible(false);
        sheet.setMode(PropertySheet.Mode.NAME);
        sheet.setPropertyEditorFactory(new DefaultPropertyEditorFactory() {
            @Override
            public PropertyEditor<?> call(PropertySheet.Item item) {
                PropertyEditor<?> ed = item instanceof Item i && !i.choices.isEmpty()
                        ? Editors.createChoiceEditor(item, i.choices) : super.call(item);
                if (ed != null && item instanceof Item i) {
                    editors.put(i.key, ed.getEditor());
                }
                return ed;
            }
        });
        VBox.setVgrow(sheet, Priority.ALWAYS);
        raw.setEditable(false);
        raw.setWrapText(true);
        raw.getStyleClass().add("inspector-raw");
        messages.setId("inspectorMessages");
        messages.getStyleClass().add("inspector-messages");
        getChildren().addAll(header, title, subtitle, name, nameError, sheet, messages);
        vm.versionProperty().addListener((o, a, b) -> refresh());
        vm.problemsProperty().addListener((o, a, b) -> showMessages());
        refresh();
    }

    /** Rebuilds the sheet when the selection changed, or its model changed by something other than the sheet itself. */
    private void refresh() {
        CanvasEditor ed = vm.editor();
        Optional<CanvasNode> node = ed.selectedNode();
        Optional<CanvasEdge> edge = ed.selectedEdge();
        String key;
        Object model;
        if (node.isPresent()) {
            key = "node:" + node.get().id();
            model = node.get();
        } else if (edge.isPresent()) {
            key = "edge:" + edge.get().id();
            model = edge.get();
        } else if (ed.selectedNodes().size() + ed.selectedEdges().size() > 1) {
            key = "many";
            model = ed.selectedNodes().size() + ed.selectedEdges().size();
        } else {
            key = "experiment";
            model = ed.doc().experiment();
        }
        if (key.equals(shownKey) && (model == shownModel || writing || movedOnly(model, shownModel))) {
            shownModel = model;
            return;
        }
        if (!key.equals(shownKey)) {
            localErrors.clear();
        }
        shownKey = key;
        shownModel = model;
        editors.clear();
        getChildren().remove(raw);
        name.setVisible(false);
        name.setManaged(false);
        nameError.setVisible(false);
        nameError.setManaged(false);
        sheet.setVisible(true);
        sheet.setManaged(true);
        if (node.isPresent()) {
            showNode(node.get());
        } else if (edge.isPresent()) {
            showEdge(edge.get());
        } else if (key.equals("many")) {
            title.setText(model + " selected");
            subtitle.setText("Ctrl+G groups the selected stages into a sub-experiment; Delete removes them.");
            sheet.getItems().clear();
        } else {
            title.setText("Experiment " + ed.doc().name());
            subtitle.setText("Settings every stage inherits unless it sets its own. Select a stage or a connection to edit it.");
            sheet.getItems().setAll(experimentItems(ed.doc().experiment()));
        }
        showMessages();
    }

    private void showNode(CanvasNode n) {
        title.setText(n.isTerminal() ? n.name() : n.name());
        if (n.isTerminal()) {
            subtitle.setText(n.id().equals(CanvasNode.INPUT) ? "What enters this level: the pipeline's input, or a loop's last output."
                    : "What this level gives back: connect the result here.");
            sheet.getItems().clear();
            return;
        }
        name.setText(n.name());
        nameOf = n.id();
        name.setVisible(true);
        name.setManaged(true);
        if (n.unread().isPresent()) {
            subtitle.setText("This stage could not be read; it is kept exactly as written. Fix it in the file.");
            raw.setText(n.unread().get().toPrettyString());
            sheet.setVisible(false);
            sheet.setManaged(false);
            getChildren().add(getChildren().indexOf(messages), raw);
            sheet.getItems().clear();
            return;
        }
        List<ConfigField> fields;
        if (n.isBlock()) {
            fields = n.type().equals("loop") ? LOOP : List.of();
            subtitle.setText(n.type().equals("loop") ? "A loop: its body runs for each value or a number of times. Double-click it to edit the inside."
                    : "A sub-experiment: the stages inside run as one node. Double-click it to open it.");
        } else {
            Optional<StageType> t = Ports.registry(n);
            fields = t.map(StageType::config).orElse(List.of());
            subtitle.setText(t.map(st -> n.type() + " — " + st.description()).orElse("unknown stage type '" + n.type() + "'"));
        }
        var items = new ArrayList<PropertySheet.Item>();
        for (ConfigField f : fields) {
            items.add(configItem(f, () -> vm.editor().level().node(n.id()).map(CanvasNode::config).orElse(Map.of()).get(f.name()),
                    v -> vm.editor().setConfig(n.id(), f.name(), v), "Settings"));
        }
        sheet.getItems().setAll(items);
    }

    private void showEdge(CanvasEdge e) {
        CanvasGraph g = vm.editor().level();
        String from = g.node(e.from()).map(CanvasNode::name).orElse("?");
        String to = g.node(e.to()).map(CanvasNode::name).orElse("?");
        title.setText(from + "." + e.fromPort() + " → " + to + "." + e.toPort());
        subtitle.setText("A through: its contract is checked before the run and on every value; its hooks run on what passes.");
        var items = new ArrayList<PropertySheet.Item>();
        for (ConfigField f : EDGE) {
            Supplier<Object> get = () -> {
                CanvasEdge cur = vm.editor().level().edge(e.id()).orElse(e);
                if (f.name().equals("contract")) {
                    return cur.contract().orElse(null);
                }
                Object v = Hooks.get(cur.hooks().orElse(Hooks.NONE), f.name());
                return v instanceof List<?> l ? (l.isEmpty() ? null : String.join(", ", l.stream().map(String::valueOf).toList())) : v;
            };
            Consumer<Object> set = v -> {
                CanvasEdge cur = vm.editor().level().edge(e.id()).orElse(e);
                if (f.name().equals("contract")) {
                    vm.editor().setEdge(e.id(), Optional.ofNullable((String) v), cur.hooks(), "contract");
                    return;
                }
                Object value = v;
                if (f.type().equals("list") && v instanceof String s) {
                    value = Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
                }
                PipelineSpec.HooksSpec h = Hooks.with(cur.hooks().orElse(Hooks.NONE), f.name(), value);
                vm.editor().setEdge(e.id(), cur.contract(), h.equals(Hooks.NONE) ? Optional.empty() : Optional.of(h), f.name());
            };
            items.add(configItem(f.type().equals("list") ? new ConfigField(f.name(), "text", false, Optional.empty(), List.of(), f.description()) : f,
                    get, set, f.name().equals("contract") ? "Contract" : "Hooks"));
        }
        sheet.getItems().setAll(items);
    }

    private List<PropertySheet.Item> experimentItems(ObjectNode experiment) {
        var items = new ArrayList<PropertySheet.Item>();
        for (ConfigField f : EXPERIMENT) {
            items.add(configItem(f, () -> {
                JsonNode v = vm.editor().doc().experiment().get(f.name());
                return v == null || v.isNull() ? null : Json.SPEC.convertValue(v, Object.class);
            }, v -> {
                ObjectNode copy = vm.editor().doc().experiment().deepCopy();
                if (v == null) {
                    copy.remove(f.name());
                } else {
                    copy.set(f.name(), Json.SPEC.valueToTree(v));
                }
                vm.editor().setExperiment(copy);
            }, "Experiment"));
        }
        return items;
    }

    /** A sheet row for a schema field: text for numbers and JSON (empty: not set), a check box, or a choice. */
    private Item configItem(ConfigField f, Supplier<Object> get, Consumer<Object> set, String category) {
        Class<?> type = f.type().equals("boolean") ? Boolean.class : String.class;
        List<String> choices = f.choices().isEmpty() ? List.of() : withBlank(f.choices());
        String help = f.description() + f.defaultValue().map(d -> " (default: " + d + ")").orElse("");
        return new Item(f.name(), category, help, type, choices, () -> {
            Object v = get.get();
            if (type == Boolean.class) {
                return v instanceof Boolean b ? b : f.defaultValue().orElse(false);
            }
            if (v == null) {
                // a choice shows its default; other fields stay empty ("not set")
                return choices.isEmpty() ? "" : f.defaultValue().map(String::valueOf).orElse("");
            }
            return v instanceof Map || v instanceof List ? compact(v) : String.valueOf(v);
        }, v -> {
            writing = true;
            try {
                localErrors.remove(f.name());
                Object parsed = parse(f, v);
                set.accept(parsed);
            } catch (IllegalArgumentException e) {
                localErrors.put(f.name(), e.getMessage());
            } finally {
                writing = false;
            }
            showMessages();
        });
    }

    private static List<String> withBlank(List<String> choices) {
        var out = new ArrayList<String>();
        out.add("");
        out.addAll(choices);
        return out;
    }

    /** Text → the JSON value a field holds; text that does not fit is kept as text, so the check can say why. */
    private static Object parse(ConfigField f, Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v == null ? "" : v.toString().trim();
        if (s.isEmpty()) {
            return null;
        }
        switch (f.type()) {
            case "integer" -> {
                try {
                    long l = Long.parseLong(s);
                    return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (Object) (int) l : (Object) l;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a whole number: " + s);
                }
            }
            case "number" -> {
                try {
                    double d = Double.parseDouble(s);
                    if (!Double.isFinite(d)) {
                        throw new IllegalArgumentException("must be a finite number, got " + s);
                    }
                    return d;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a number: " + s);
                }
            }
            case "object", "list" -> {
                try {
                    JsonNode n = Json.SPEC.readTree(s);
                    if (f.type().equals("object") != n.isObject() || f.type().equals("list") && !n.isArray()) {
                        throw new IllegalArgumentException("must be a JSON " + (f.type().equals("object") ? "object {...}" : "list [...]"));
                    }
                    return Json.SPEC.convertValue(n, Object.class);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
                }
            }
            default -> {
                return s;
            }
        }
    }

    private static String compact(Object v) {
        try {
            return Json.WIRE.writeValueAsString(v);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(v);
        }
    }

    /** A drag changes only where a node is: nothing the inspector shows (so a drag never rebuilds the sheet). */
    private static boolean movedOnly(Object a, Object b) {
        return a instanceof CanvasNode x && b instanceof CanvasNode y && y.movedOnly(x);
    }

    /** Renames the stage the field was showing (not whatever is selected by the time focus leaves it). */
    private void commitName() {
        vm.editor().level().node(nameOf).filter(n -> !n.isTerminal() && !n.name().equals(name.getText())).ifPresent(n -> {
            Optional<String> r = vm.rename(n.id(), name.getText());
            nameError.setText(r.orElse(""));
            nameError.setVisible(r.isPresent());
            nameError.setManaged(r.isPresent());
        });
    }

    /** The problems of what is shown, under the sheet; the fields they name are marked. */
    private void showMessages() {
        messages.getChildren().clear();
        editors.values().forEach(n -> n.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("error"), false));
        List<String> list = new ArrayList<>();
        localErrors.forEach((k, m) -> list.add(k + ": " + m));
        CanvasProblems p = vm.problemsProperty().get();
        if (shownKey.startsWith("node:")) {
            list.addAll(p.node(shownKey.substring(5)));
        } else if (shownKey.startsWith("edge:")) {
            list.addAll(p.edge(shownKey.substring(5)));
        } else if (shownKey.equals("experiment")) {
            list.addAll(p.general());
            list.addAll(vm.editor().doc().notes());
        }
        for (String m : list) {
            Label l = new Label(m);
            l.setWrapText(true);
            l.getStyleClass().add("field-message");
            messages.getChildren().add(l);
            String field = m.startsWith("config.") ? m.substring(7) : m;
            int end = field.indexOf(':');
            int dot = field.indexOf('.');
            String key = end < 0 ? "" : field.substring(0, dot > 0 && dot < end ? dot : end);
            Node ed = editors.get(key);
            if (ed != null) {
                ed.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("error"), true);
            }
        }
        if (list.isEmpty() && !shownKey.equals("many")) {
            Label ok = new Label(shownKey.equals("experiment") && vm.editor().doc().graph().stages().isEmpty()
                    ? "Drag a stage from the palette to begin." : "No problems.");
            ok.getStyleClass().add("field-ok");
            messages.getChildren().add(ok);
        }
    }

    List<String> messageTexts() {
        return messages.getChildren().stream().map(n -> ((Label) n).getText()).toList();
    }

    PropertySheet sheet() {
        return sheet;
    }

    Node editorOf(String key) {
        return editors.get(key);
    }

    /** A sheet row backed by the model. */
    static final class Item implements PropertySheet.Item {
        final String key;
        final List<String> choices;
        private final String category;
        private final String description;
        private final Class<?> type;
        private final Supplier<Object> get;
        private final Consumer<Object> set;

        Item(String key, String category, String description, Class<?> type, List<String> choices, Supplier<Object> get, Consumer<Object> set) {
            this.key = key;
            this.category = category;
            this.description = description;
            this.type = type;
            this.choices = choices;
            this.get = get;
            this.set = set;
        }

        @Override
        public Class<?> getType() {
            return type;
        }

        @Override
        public String getCategory() {
            return category;
        }

        @Override
        public String getName() {
            return key;
        }

        @Override
        public String getDescription() {
            return description;
        }

        @Override
        public Object getValue() {
            return get.get();
        }

        @Override
        public void setValue(Object value) {
            if (!java.util.Objects.equals(value, getValue())) {
                set.accept(value);
            }
        }

        @Override
        public Optional<ObservableValue<? extends Object>> getObservableValue() {
            return Optional.empty();
        }
    }
}
