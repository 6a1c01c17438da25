package dev.orchard.app.canvas;

import javafx.scene.Group;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.shape.CubicCurve;
import javafx.scene.shape.Line;

import java.util.ArrayList;
import java.util.List;

/** One connection drawn: a curve from output to input, a wider invisible curve to click, and its contract and hooks. */
final class EdgeView extends Group {
    private CanvasEdge model;
    private final CubicCurve curve = new CubicCurve();
    private final CubicCurve hit = new CubicCurve();
    private final Label badge = new Label();
    private final Tooltip tip = new Tooltip();
    private final Line arrow1 = new Line();
    private final Line arrow2 = new Line();
    private boolean labelled;
    private boolean selected;
    private List<String> problemList = List.of();

    EdgeView(CanvasEdge e) {
        getStyleClass().add("canvas-edge");
        curve.getStyleClass().add("edge-line");
        hit.getStyleClass().add("edge-hit");
        badge.getStyleClass().add("edge-badge");
        arrow1.getStyleClass().add("edge-line");
        arrow2.getStyleClass().add("edge-line");
        curve.setMouseTransparent(true);
        hit.setOpacity(0); // picked, never drawn (a transparent stroke would still be rasterised)
        arrow1.setMouseTransparent(true);
        arrow2.setMouseTransparent(true);
        hit.setOnMouseEntered(ev -> installTip());
        badge.setOnMouseEntered(ev -> installTip());
        getChildren().addAll(hit, curve, arrow1, arrow2, badge);
        this.model = e;
    }

    private void installTip() {
        if (!tipInstalled) {
            tipInstalled = true;
            Tooltip.install(hit, tip);
            Tooltip.install(badge, tip);
        }
    }

    private boolean tipInstalled;

    CanvasEdge model() {
        return model;
    }

    /** {@code carried}: the type the source port gives; a contract equal to it is not repeated on the badge. */
    void update(CanvasEdge e, double[] from, double[] to, String carried) {
        boolean same = e == model && badge.getText() != null && labelled;
        this.model = e;
        for (CubicCurve c : new CubicCurve[]{curve, hit}) {
            shape(c, from, to);
        }
        if (same) {
            arrows(to);
            placeBadge(from, to);
            return;
        }
        labelled = true;
        arrows(to);
        List<String> parts = new ArrayList<>();
        List<String> full = new ArrayList<>();
        e.contract().ifPresent(c -> {
            full.add("contract " + c);
            if (!c.equals(carried)) {
                parts.add(c);
            }
        });
        e.hooks().ifPresent(h -> {
            if (h.checkpoint()) {
                parts.add("ckpt");
                full.add("checkpoint");
            }
            if (h.cache()) {
                parts.add("cache");
                full.add("cache" + h.cacheVersion().map(v -> " (version " + v + ")").orElse(""));
            }
            h.retry().ifPresent(r -> {
                parts.add("retry " + r);
                full.add("retry " + r + " times");
            });
            h.timeoutSeconds().ifPresent(t -> {
                parts.add("timeout");
                full.add("timeout after " + t + " s");
            });
            h.onError().filter("skip"::equals).ifPresent(x -> {
                parts.add("skip");
                full.add("skip what depends on it when it fails");
            });
            if (h.profile()) {
                parts.add("prof");
                full.add("profile");
            }
            if (!h.metrics().isEmpty()) {
                parts.add("metrics");
                full.add("metrics " + String.join(", ", h.metrics()));
            }
            if (!h.require().isEmpty()) {
                parts.add("require");
                full.add("require " + String.join(", ", h.require()));
            }
        });
        badge.setText(String.join(" · ", parts));
        badge.setVisible(!parts.isEmpty());
        badge.autosize();
        placeBadge(from, to);
        tip.setText(e.fromPort() + " → " + e.toPort() + (full.isEmpty() ? "" : "\n" + String.join("\n", full)));
    }

    private void arrows(double[] to) {
        arrow1.setStartX(to[0] - 8);
        arrow1.setStartY(to[1] - 5);
        arrow1.setEndX(to[0] - 1);
        arrow1.setEndY(to[1]);
        arrow2.setStartX(to[0] - 8);
        arrow2.setStartY(to[1] + 5);
        arrow2.setEndX(to[0] - 1);
        arrow2.setEndY(to[1]);
    }

    private void placeBadge(double[] from, double[] to) {
        double mx = (from[0] + to[0]) / 2;
        double my = (from[1] + to[1]) / 2;
        badge.relocate(mx - badge.getWidth() / 2, my - badge.getHeight() - 3);
    }

    static void shape(CubicCurve c, double[] from, double[] to) {
        double dx = Math.max(40, Math.abs(to[0] - from[0]) / 2);
        c.setStartX(from[0]);
        c.setStartY(from[1]);
        c.setControlX1(from[0] + dx);
        c.setControlY1(from[1]);
        c.setControlX2(to[0] - dx);
        c.setControlY2(to[1]);
        c.setEndX(to[0]);
        c.setEndY(to[1]);
    }

    CubicCurve hitArea() {
        return hit;
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
        pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("problem"), !messages.isEmpty());
        if (!messages.isEmpty()) {
            tip.setText(String.join("\n", messages));
        }
    }

    /** Distance from a world point to the curve (sampled), for dropping hooks onto it. */
    double distanceTo(double x, double y) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i <= 24; i++) {
            double t = i / 24.0;
            double u = 1 - t;
            double px = u * u * u * curve.getStartX() + 3 * u * u * t * curve.getControlX1() + 3 * u * t * t * curve.getControlX2() + t * t * t * curve.getEndX();
            double py = u * u * u * curve.getStartY() + 3 * u * u * t * curve.getControlY1() + 3 * u * t * t * curve.getControlY2() + t * t * t * curve.getEndY();
            best = Math.min(best, Math.hypot(px - x, py - y));
        }
        return best;
    }
}
