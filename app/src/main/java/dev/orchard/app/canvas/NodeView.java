package dev.orchard.app.canvas;

import dev.orchard.engine.pipeline.Port;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Pane;
import javafx.scene.shape.Circle;
import javafx.util.Duration;

import java.util.ArrayList;
import java.util.List;

/**
 * One node drawn: its name and type, its ports (each showing its contract type on hover), its run state with
 * progress, and a marker with the messages when something is wrong. Positioned absolutely; sized by {@link Geometry}.
 */
final class NodeView extends Pane {
    /** A port's circle knows what it is, for connection gestures. */
    record PortRef(String nodeId, String port, boolean output) {
    }

    private static final javafx.scene.text.Font PORT_FONT = javafx.scene.text.Font.font(11);

    private CanvasNode model;
    private CanvasGraph level;
    private final Label name = new Label();
    private final Label type = new Label();
    private final Label status = new Label();
    // made when first needed: most nodes of a large drawing never show them, and controls are costly to style
    private Label problem;
    private ProgressBar progress;
    private Tooltip problemTip;
    private List<String> problemList = List.of();
    final List<Circle> portCircles = new ArrayList<>();
    private final List<javafx.scene.Node> portNodes = new ArrayList<>();
    private String portsKey = "";
    private boolean selected;

    NodeView(CanvasNode n, CanvasGraph g) {
        getStyleClass().add("canvas-node");
        name.getStyleClass().add("node-name");
        type.getStyleClass().add("node-type");
        status.getStyleClass().add("node-status");

        // no cache and no shadow: under software rendering both cost more than they save when zooming
        getChildren().addAll(name, type, status);
        setPickOnBounds(true);
        update(n, g);
    }

    CanvasNode model() {
        return model;
    }

    void update(CanvasNode n, CanvasGraph g) {
        if (model != null && model.movedOnly(n)) {
            // a drag: only the place changed
            this.model = n;
            this.level = g;
            relocate(n.x(), n.y());
            return;
        }
        this.model = n;
        this.level = g;
        getStyleClass().removeAll("terminal", "block", "unread");
        if (n.isTerminal()) {
            getStyleClass().add("terminal");
        } else if (n.isBlock()) {
            getStyleClass().add("block");
        } else if (n.unread().isPresent()) {
            getStyleClass().add("unread");
        }
        double w = Geometry.width(n);
        double h = Geometry.height(n, g);
        setPrefSize(w, h);
        setMinSize(w, h);
        setMaxSize(w, h);
        resize(w, h);
        relocate(n.x(), n.y());
        name.setText(n.name());
        name.setMaxWidth(w - 34);
        name.relocate(n.id().equals(CanvasNode.OUTPUT) ? 18 : 12, n.isTerminal() ? 9 : 7);
        type.setText(n.isTerminal() ? "" : typeText(n));
        type.setVisible(!n.isTerminal());
        type.setMaxWidth(w - 24);
        type.relocate(12, 25);
        if (problem != null) {
            problem.relocate(w - 24, 6);
        }
        status.relocate(12, h - Geometry.FOOTER + 2);
        if (progress != null) {
            placeProgress(w, h);
        }
        status.setVisible(!n.isTerminal());
        List<Port> ins = Ports.inputs(n, g);
        List<Port> outs = Ports.outputs(n, g);
        String key = ins + "|" + outs + "|" + w;
        if (!key.equals(portsKey)) {
            portsKey = key;
            getChildren().removeAll(portNodes);
            portNodes.clear();
            portCircles.clear();
            for (int i = 0; i < ins.size(); i++) {
                addPort(n, ins.get(i), Geometry.portY(n, ins.size(), i, false), false, w);
            }
            for (int i = 0; i < outs.size(); i++) {
                addPort(n, outs.get(i), Geometry.portY(n, ins.size(), i, true), true, w);
            }
        } else {
            for (Circle c : portCircles) {
                PortRef r = (PortRef) c.getUserData();
                c.setUserData(new PortRef(n.id(), r.port(), r.output()));
            }
        }
    }


    private static String typeText(CanvasNode n) {
        if (n.unread().isPresent()) {
            return "could not be read";
        }
        if (n.type().equals("sweep")) {
            Object opt = n.config().get("optimizer") instanceof java.util.Map<?, ?> m ? m.get("name") : null;
            Object sch = n.config().get("scheduler") instanceof java.util.Map<?, ?> m ? m.get("type") : null;
            return "sweep" + (opt == null ? "" : " · " + opt) + (sch == null ? "" : " · " + sch);
        }
        if (n.type().equals("loop")) {
            Object times = n.config().get("times");
            Object each = n.config().get("for_each");
            return "loop" + (times != null ? " × " + times : each != null ? " for each " + each : "") + " · " + n.body().stages().size() + " inside";
        }
        if (n.type().equals("group")) {
            return "sub-experiment · " + n.body().stages().size() + " inside";
        }
        return n.type();
    }

    private void addPort(CanvasNode n, Port p, double y, boolean output, double w) {
        Circle c = new Circle(6);
        c.getStyleClass().addAll("port", output ? "port-out" : "port-in");
        if (p.optional() && !output) {
            c.getStyleClass().add("port-optional");
        }
        c.setCenterX(output ? w : 0);
        c.setCenterY(y);
        c.setUserData(new PortRef(n.id(), p.name(), output));
        String tipText = (output ? "output " : "input ") + p.name() + ": " + p.type() + (p.optional() ? " (optional)" : "")
                + (p.description().isEmpty() ? "" : "\n" + p.description());
        // tooltips are made on first hover: hundreds of ports stay cheap to draw
        c.setOnMouseEntered(e -> {
            if (!c.getProperties().containsKey("tip")) {
                Tooltip tip = new Tooltip(tipText);
                tip.setShowDelay(Duration.millis(150));
                Tooltip.install(c, tip);
                c.getProperties().put("tip", tip);
            }
        });
        // Text, not Label: a port's caption needs no skin, and a large drawing has hundreds
        javafx.scene.text.Text l = new javafx.scene.text.Text(n.isTerminal() ? "" : p.name() + " : " + p.type());
        l.getStyleClass().add("port-label");
        l.setFont(PORT_FONT); // set here, so the right-aligned captions can be measured now
        l.setMouseTransparent(true);
        l.setTextOrigin(javafx.geometry.VPos.CENTER);
        l.setY(y);
        if (output) {
            l.setTextAlignment(javafx.scene.text.TextAlignment.RIGHT);
            l.setX(w - 14 - l.getLayoutBounds().getWidth());
        } else {
            l.setX(14);
        }
        portNodes.add(c);
        portNodes.add(l);
        portCircles.add(c);
        getChildren().addAll(l, c);
    }

    void setSelected(boolean on) {
        if (on == selected) {
            return;
        }
        selected = on;
        pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("selected"), on);
    }

    void setProblems(List<String> messages) {
        if (messages.equals(problemList)) {
            return;
        }
        problemList = List.copyOf(messages);
        boolean bad = !messages.isEmpty();
        if (bad && problem == null) {
            problem = new Label("!");
            problem.getStyleClass().add("node-problem");
            problem.relocate(Geometry.width(model) - 24, 6);
            getChildren().add(problem);
        }
        if (problem != null) {
            problem.setVisible(bad);
        }
        if (bad) {
            if (problemTip == null) {
                problemTip = new Tooltip();
                problemTip.setShowDelay(Duration.millis(200));
                problemTip.setWrapText(true);
                problemTip.setMaxWidth(420);
                Tooltip.install(problem, problemTip);
            }
            problemTip.setText(String.join("\n", messages));
        }
        pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("problem"), bad);
    }

    List<String> problems() {
        return problemList;
    }

    private StageState state;

    void setState(StageState s) {
        if (s.equals(state)) {
            return;
        }
        state = s;
        for (StageState.Kind k : StageState.Kind.values()) {
            pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("state-" + k.name().toLowerCase(java.util.Locale.ROOT)), s.kind() == k);
        }
        status.setText(s.kind() == StageState.Kind.IDLE ? "idle" : s.kind().label());
        if (!s.message().isEmpty()) {
            Tooltip.install(status, new Tooltip(s.message().length() > 2000 ? s.message().substring(0, 2000) + "…" : s.message()));
        }
        boolean showBar = !model.isTerminal() && (s.kind() == StageState.Kind.RUNNING || s.kind() == StageState.Kind.RETRYING
                || s.kind() == StageState.Kind.DONE && s.progress() >= 0);
        if (showBar && progress == null) {
            progress = new ProgressBar();
            progress.getStyleClass().add("node-progress");
            getChildren().add(progress);
            placeProgress(Geometry.width(model), getPrefHeight());
        }
        if (progress != null) {
            progress.setVisible(showBar);
            // an invisible indeterminate bar would keep animating: park it at 0
            progress.setProgress(!showBar ? 0 : s.progress() < 0 ? ProgressBar.INDETERMINATE_PROGRESS : s.progress());
        }
    }

    private void placeProgress(double w, double h) {
        progress.setPrefWidth(w - 104);
        progress.resize(w - 104, 8);
        progress.relocate(92, h - Geometry.FOOTER + 7);
    }

    String statusText() {
        return status.getText();
    }

    CanvasGraph level() {
        return level;
    }
}
