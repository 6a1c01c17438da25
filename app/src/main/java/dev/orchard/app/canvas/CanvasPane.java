package dev.orchard.app.canvas;

import javafx.application.Platform;
import javafx.collections.MapChangeListener;
import javafx.geometry.Point2D;
import javafx.scene.Group;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseDragEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.shape.Circle;
import javafx.scene.shape.CubicCurve;
import javafx.scene.shape.Rectangle;
import javafx.scene.transform.Scale;
import javafx.scene.transform.Translate;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The drawing surface: the open level's nodes and connections in a zoomable, pannable world. Gestures: drag a node
 * (moves the selection; one undo step), click / Shift+click to select, Shift+drag on empty space for a rubber band,
 * drag on empty space (or with the middle button) to pan, the wheel to zoom at the pointer, drag from an output port to
 * an input port to connect (refused while dragging, with the reason, when the types or the graph do not allow it),
 * double-click a loop or group to open it, and drop palette items (stages; hooks onto connections).
 */
final class CanvasPane extends Region {
    static final double MIN_ZOOM = 0.1;
    static final double MAX_ZOOM = 3;
    /** Opening a pipeline fits it, but not below this zoom: a wide one starts at its left end, readable. */
    static final double READABLE = 0.6;
    /** Below this zoom, port labels, types and badges are not drawn. */
    static final double FAR = 0.55;
    /** The largest drawing (in screen pixels) moved as one cached image while panning or zooming. */
    static final double MAX_CACHED_PIXELS = 4096.0 * 4096.0;

    private final CanvasViewModel vm;
    private final Pane world = new Pane();
    private final Group edgeLayer = new Group();
    private final Group nodeLayer = new Group();
    private final Pane overlay = new Pane();
    private final Scale scale = new Scale(1, 1, 0, 0);
    private final Translate translate = new Translate(0, 0);
    private final Map<String, NodeView> nodes = new HashMap<>();
    private final Map<String, EdgeView> edges = new HashMap<>();
    private final CubicCurve wire = new CubicCurve();
    private final Rectangle band = new Rectangle();
    private final Label refusal = new Label();
    private final Label empty = new Label("Drag stages from the palette onto the canvas, then drag from an output port to an input port to connect them.");
    private CanvasGraph shown;
    private List<String> shownPath = List.of();
    private Set<String> shownSelection = Set.of();
    private boolean statesPending;

    private double lastX;
    private double lastY;
    private double pressX;
    private double pressY;
    private boolean panning;
    private boolean banding;
    private boolean moved;
    private NodeView.PortRef wireFrom;
    private NodeView.PortRef wireTo;

    CanvasPane(CanvasViewModel vm) {
        this.vm = vm;
        getStyleClass().add("canvas-pane");
        setId("canvasPane");
        setFocusTraversable(true);
        Rectangle clip = new Rectangle();
        clip.widthProperty().bind(widthProperty());
        clip.heightProperty().bind(heightProperty());
        setClip(clip);
        world.setManaged(false);
        world.getTransforms().addAll(translate, scale);
        wire.getStyleClass().add("edge-wire");
        wire.setVisible(false);
        wire.setMouseTransparent(true);
        world.getChildren().addAll(edgeLayer, nodeLayer, wire);
        world.setPickOnBounds(false);
        band.getStyleClass().add("rubber-band");
        band.setVisible(false);
        refusal.getStyleClass().add("canvas-refusal");
        refusal.setVisible(false);
        empty.getStyleClass().add("canvas-empty");
        empty.setWrapText(true);
        empty.setMaxWidth(360);
        overlay.getChildren().addAll(band, refusal, empty);
        overlay.setMouseTransparent(true);
        overlay.setManaged(false);
        getChildren().addAll(world, overlay);

        addEventHandler(ScrollEvent.SCROLL, e -> {
            if (e.getDeltaY() != 0) {
                zoomAt(e.getX(), e.getY(), Math.pow(1.0015, e.getDeltaY()));
                e.consume();
            }
        });
        addEventHandler(MouseEvent.MOUSE_PRESSED, this::pressedEmpty);
        addEventHandler(MouseEvent.MOUSE_DRAGGED, this::draggedEmpty);
        addEventHandler(MouseEvent.MOUSE_RELEASED, this::releasedEmpty);
        addEventHandler(MouseDragEvent.MOUSE_DRAG_RELEASED, this::dropped);

        vm.versionProperty().addListener((o, a, b) -> sync());
        vm.problemsProperty().addListener((o, a, b) -> applyProblems());
        // a batch of engine events changes many states at once: draw them once, after the batch
        vm.states().addListener((MapChangeListener<String, StageState>) c -> {
            if (!statesPending) {
                statesPending = true;
                Platform.runLater(() -> {
                    statesPending = false;
                    applyStates();
                });
            }
        });
        vm.fitRequestsProperty().addListener((o, a, b) -> Platform.runLater(() -> zoomToFit(READABLE)));
        sync();
    }

    @Override
    protected void layoutChildren() {
        overlay.resize(getWidth(), getHeight());
        empty.autosize();
        empty.relocate((getWidth() - empty.getWidth()) / 2, (getHeight() - empty.getHeight()) / 2);
    }

    // ---- model → scene ----

    private void sync() {
        CanvasEditor ed = vm.editor();
        CanvasGraph g = ed.level();
        List<String> path = ed.openBlocks().stream().map(CanvasNode::id).toList();
        if (!path.equals(shownPath)) {
            nodeLayer.getChildren().clear();
            edgeLayer.getChildren().clear();
            nodes.clear();
            edges.clear();
            shown = null;
            shownPath = path;
            Platform.runLater(() -> zoomToFit(READABLE));
        }
        if (g != shown) {
            boolean edgesChanged = shown == null || shown.edges() != g.edges();
            Set<String> changed = new HashSet<>();
            Set<String> present = new HashSet<>();
            for (CanvasNode n : g.nodes()) {
                present.add(n.id());
                NodeView v = nodes.get(n.id());
                if (v == null) {
                    v = new NodeView(n, g);
                    wire(v);
                    nodes.put(n.id(), v);
                    nodeLayer.getChildren().add(v);
                    changed.add(n.id());
                } else if (v.model() != n || edgesChanged && !n.isTerminal() && Ports.registry(n).isEmpty() && !n.isBlock()) {
                    v.update(n, g);
                    wirePorts(v);
                    changed.add(n.id());
                }
            }
            nodes.entrySet().removeIf(en -> {
                if (!present.contains(en.getKey())) {
                    nodeLayer.getChildren().remove(en.getValue());
                    return true;
                }
                return false;
            });
            Set<String> presentEdges = new HashSet<>();
            for (CanvasEdge e : g.edges()) {
                presentEdges.add(e.id());
                EdgeView v = edges.get(e.id());
                boolean fresh = v == null;
                if (fresh) {
                    v = new EdgeView(e);
                    wire(v);
                    edges.put(e.id(), v);
                    edgeLayer.getChildren().add(v);
                }
                if (fresh || v.model() != e || changed.contains(e.from()) || changed.contains(e.to())) {
                    Optional<CanvasNode> a = g.node(e.from());
                    Optional<CanvasNode> b = g.node(e.to());
                    if (a.isPresent() && b.isPresent()) {
                        String carried = Ports.output(a.get(), g, e.fromPort()).map(p -> p.type().toString()).orElse("");
                        v.update(e, Geometry.port(a.get(), g, e.fromPort(), true), Geometry.port(b.get(), g, e.toPort(), false), carried);
                    }
                }
            }
            edges.entrySet().removeIf(en -> {
                if (!presentEdges.contains(en.getKey())) {
                    edgeLayer.getChildren().remove(en.getValue());
                    return true;
                }
                return false;
            });
            shown = g;
            applyProblems();
            applyStates();
            empty.setVisible(g.stages().isEmpty());
        }
        Set<String> sel = new HashSet<>(ed.selectedNodes());
        sel.addAll(ed.selectedEdges());
        if (!sel.equals(shownSelection)) {
            nodes.forEach((id, v) -> v.setSelected(sel.contains(id)));
            edges.forEach((id, v) -> v.setSelected(sel.contains(id)));
            shownSelection = sel;
        }
    }

    private void applyProblems() {
        CanvasProblems p = vm.problemsProperty().get();
        nodes.forEach((id, v) -> v.setProblems(p.node(id)));
        edges.forEach((id, v) -> v.setProblems(p.edge(id)));
    }

    private void applyStates() {
        nodes.forEach((id, v) -> {
            if (!v.model().isTerminal()) {
                v.setState(vm.states().getOrDefault(vm.stagePath(v.model()), StageState.IDLE));
            }
        });
    }

    // ---- gestures on nodes, ports and edges ----

    private void wire(NodeView v) {
        v.addEventHandler(MouseEvent.MOUSE_PRESSED, e -> {
            if (e.getButton() != MouseButton.PRIMARY || isPort(e.getTarget())) {
                return;
            }
            requestFocus();
            String id = v.model().id();
            if (e.isShiftDown() || e.isShortcutDown()) {
                vm.editor().toggle(id);
            } else if (!vm.editor().selectedNodes().contains(id)) {
                vm.editor().select(Set.of(id), Set.of());
            }
            lastX = e.getSceneX();
            lastY = e.getSceneY();
            moved = false;
            vm.editor().beginGesture("move");
            e.consume();
        });
        v.addEventHandler(MouseEvent.MOUSE_DRAGGED, e -> {
            if (e.getButton() != MouseButton.PRIMARY || wireFrom != null) {
                return;
            }
            double dx = (e.getSceneX() - lastX) / scale.getX();
            double dy = (e.getSceneY() - lastY) / scale.getY();
            lastX = e.getSceneX();
            lastY = e.getSceneY();
            if (dx != 0 || dy != 0) {
                moved = true;
                vm.editor().moveSelected(dx, dy);
            }
            e.consume();
        });
        v.addEventHandler(MouseEvent.MOUSE_RELEASED, e -> {
            if (wireFrom == null) {
                vm.editor().endGesture();
                e.consume();
            }
        });
        v.addEventHandler(MouseEvent.MOUSE_CLICKED, e -> {
            if (e.getClickCount() == 2 && v.model().isBlock()) {
                vm.editor().open(v.model().id());
                e.consume();
            }
        });
        wirePorts(v);
    }

    private static boolean isPort(Object target) {
        return target instanceof Circle c && c.getUserData() instanceof NodeView.PortRef;
    }

    private void wirePorts(NodeView v) {
        for (Circle c : v.portCircles) {
            if (c.getProperties().containsKey("wired")) {
                continue;
            }
            c.getProperties().put("wired", true);
            NodeView.PortRef ref0 = (NodeView.PortRef) c.getUserData();
            if (ref0.output()) {
                c.setOnMousePressed(e -> {
                    NodeView.PortRef ref = (NodeView.PortRef) c.getUserData();
                    requestFocus();
                    wireFrom = ref;
                    wireTo = null;
                    double[] p = portPoint(ref);
                    EdgeView.shape(wire, p, p);
                    wire.setVisible(true);
                    wire.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("refused"), false);
                    e.consume();
                });
                c.setOnDragDetected(e -> {
                    c.startFullDrag();
                    e.consume();
                });
                c.setOnMouseDragged(e -> {
                    if (wireFrom != null && wireTo == null) {
                        Point2D w = world.sceneToLocal(e.getSceneX(), e.getSceneY());
                        EdgeView.shape(wire, portPoint(wireFrom), new double[]{w.getX(), w.getY()});
                    }
                    e.consume();
                });
                c.setOnMouseReleased(e -> {
                    wireFrom = null;
                    wireTo = null;
                    wire.setVisible(false);
                    refusal.setVisible(false);
                    e.consume();
                });
            } else {
                c.setOnMousePressed(e -> e.consume()); // connections start at outputs; a press here neither pans nor moves
                c.setOnMouseDragEntered(e -> {
                    if (wireFrom == null) {
                        return;
                    }
                    NodeView.PortRef ref = (NodeView.PortRef) c.getUserData();
                    Optional<String> why = vm.editor().canConnect(wireFrom.nodeId(), wireFrom.port(), ref.nodeId(), ref.port());
                    if (why.isEmpty()) {
                        wireTo = ref;
                        c.getStyleClass().add("port-accept");
                        EdgeView.shape(wire, portPoint(wireFrom), portPoint(ref)); // snaps
                        refusal.setVisible(false);
                    } else {
                        c.getStyleClass().add("port-refuse");
                        wire.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("refused"), true);
                        Point2D at = sceneToLocal(e.getSceneX(), e.getSceneY());
                        refusal.setText(why.get());
                        refusal.setVisible(true);
                        refusal.autosize();
                        refusal.relocate(Math.min(at.getX() + 14, Math.max(0, getWidth() - refusal.getWidth() - 8)), at.getY() + 14);
                    }
                });
                c.setOnMouseDragExited(e -> {
                    c.getStyleClass().removeAll("port-accept", "port-refuse");
                    wire.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("refused"), false);
                    wireTo = null;
                    refusal.setVisible(false);
                });
                c.setOnMouseDragReleased(e -> {
                    c.getStyleClass().removeAll("port-accept", "port-refuse");
                    if (wireFrom != null) {
                        NodeView.PortRef ref = (NodeView.PortRef) c.getUserData();
                        vm.connect(wireFrom.nodeId(), wireFrom.port(), ref.nodeId(), ref.port());
                    }
                    e.consume();
                });
            }
        }
    }

    private double[] portPoint(NodeView.PortRef ref) {
        CanvasGraph g = vm.editor().level();
        return g.node(ref.nodeId()).map(n -> Geometry.port(n, g, ref.port(), ref.output())).orElse(new double[]{0, 0});
    }

    private void wire(EdgeView v) {
        v.hitArea().addEventHandler(MouseEvent.MOUSE_PRESSED, e -> {
            requestFocus();
            String id = v.model().id();
            if (e.isShiftDown() || e.isShortcutDown()) {
                var sel = new HashSet<>(vm.editor().selectedEdges());
                if (!sel.remove(id)) {
                    sel.add(id);
                }
                vm.editor().select(vm.editor().selectedNodes(), sel);
            } else {
                vm.editor().select(Set.of(), Set.of(id));
            }
            e.consume();
        });
    }

    // ---- gestures on empty space ----

    private void pressedEmpty(MouseEvent e) {
        requestFocus();
        pressX = e.getX();
        pressY = e.getY();
        lastX = e.getX();
        lastY = e.getY();
        moved = false;
        banding = e.getButton() == MouseButton.PRIMARY && e.isShiftDown();
        panning = !banding && (e.getButton() == MouseButton.PRIMARY || e.getButton() == MouseButton.MIDDLE);
        if (banding) {
            band.setX(pressX);
            band.setY(pressY);
            band.setWidth(0);
            band.setHeight(0);
            band.setVisible(true);
        }
    }

    private void draggedEmpty(MouseEvent e) {
        if (Math.abs(e.getX() - pressX) + Math.abs(e.getY() - pressY) > 2) {
            moved = true;
        }
        if (panning) {
            motion();
            translate.setX(translate.getX() + e.getX() - lastX);
            translate.setY(translate.getY() + e.getY() - lastY);
            setCursor(javafx.scene.Cursor.CLOSED_HAND);
        } else if (banding) {
            band.setX(Math.min(pressX, e.getX()));
            band.setY(Math.min(pressY, e.getY()));
            band.setWidth(Math.abs(e.getX() - pressX));
            band.setHeight(Math.abs(e.getY() - pressY));
        }
        lastX = e.getX();
        lastY = e.getY();
    }

    private void releasedEmpty(MouseEvent e) {
        setCursor(null);
        if (banding) {
            band.setVisible(false);
            Point2D a = toWorld(pressX, pressY);
            Point2D b = toWorld(e.getX(), e.getY());
            selectTouching(a, b);
        } else if (panning && !moved) {
            vm.editor().clearSelection();
            vm.hintProperty().set("");
        }
        banding = false;
        panning = false;
    }

    /** Selects the nodes whose box overlaps the rectangle between two world points (added to the selection). */
    private void selectTouching(Point2D a, Point2D b) {
        double x0 = Math.min(a.getX(), b.getX());
        double x1 = Math.max(a.getX(), b.getX());
        double y0 = Math.min(a.getY(), b.getY());
        double y1 = Math.max(a.getY(), b.getY());
        CanvasGraph g = vm.editor().level();
        Set<String> ids = new HashSet<>(vm.editor().selectedNodes());
        for (CanvasNode n : g.nodes()) {
            if (!n.isTerminal() && n.x() < x1 && n.x() + Geometry.width(n) > x0 && n.y() < y1 && n.y() + Geometry.height(n, g) > y0) {
                ids.add(n.id());
            }
        }
        vm.editor().select(ids, vm.editor().selectedEdges());
    }

    private void dropped(MouseDragEvent e) {
        if (!(e.getGestureSource() instanceof Node src) || !(src.getUserData() instanceof PaletteEntry entry)) {
            return;
        }
        Point2D at = world.sceneToLocal(e.getSceneX(), e.getSceneY());
        drop(entry, at.getX(), at.getY());
        e.consume();
    }

    /** Drops a palette item at a world point: a stage centred there, or a hook onto the nearest connection. */
    void drop(PaletteEntry entry, double x, double y) {
        if (entry.isHook()) {
            EdgeView best = null;
            double dist = 16 / scale.getX();
            for (EdgeView v : edges.values()) {
                double d = v.distanceTo(x, y);
                if (d < dist) {
                    dist = d;
                    best = v;
                }
            }
            if (best == null) {
                vm.hintProperty().set("Drop " + entry.label().toLowerCase(java.util.Locale.ROOT) + " onto a connection");
            } else {
                vm.dropHook(best.model().id(), entry.hook());
            }
            return;
        }
        vm.editor().add(entry, x - Geometry.WIDTH / 2, y - Geometry.HEADER / 2);
        vm.hintProperty().set("");
        requestFocus();
    }

    // ---- zoom and pan ----

    private final javafx.animation.PauseTransition still = new javafx.animation.PauseTransition(javafx.util.Duration.millis(250));

    /**
     * While the view pans or zooms, the drawing is moved as one cached image (a large drawing is not rasterised again
     * every frame); a quarter of a second after the last movement it is drawn crisply again.
     */
    void motion() {
        javafx.geometry.Bounds b = world.getBoundsInParent();
        if (!world.isCache() && b.getWidth() * b.getHeight() > MAX_CACHED_PIXELS) {
            return; // too large an image to hold: draw it as it is
        }
        if (!world.isCache()) {
            world.setCache(true);
            world.setCacheHint(javafx.scene.CacheHint.SPEED);
            still.setOnFinished(e -> world.setCache(false));
        }
        still.playFromStart();
    }

    void zoomAt(double px, double py, double factor) {
        motion();
        double s = scale.getX();
        double ns = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, s * factor));
        double wx = (px - translate.getX()) / s;
        double wy = (py - translate.getY()) / s;
        setScale(ns);
        translate.setX(px - ns * wx);
        translate.setY(py - ns * wy);
    }

    void zoomBy(double factor) {
        zoomAt(getWidth() / 2, getHeight() / 2, factor);
    }

    /** Shows every node of the open level, at most at 125 %. */
    void zoomToFit() {
        zoomToFit(MIN_ZOOM);
    }

    /** Fits the open level, not below {@code floor}; what does not fit then starts at the left. */
    void zoomToFit(double floor) {
        CanvasGraph g = vm.editor().level();
        if (g.nodes().isEmpty() || getWidth() <= 0 || getHeight() <= 0) {
            return;
        }
        double x0 = Double.MAX_VALUE;
        double y0 = Double.MAX_VALUE;
        double x1 = -Double.MAX_VALUE;
        double y1 = -Double.MAX_VALUE;
        for (CanvasNode n : g.nodes()) {
            x0 = Math.min(x0, n.x());
            y0 = Math.min(y0, n.y());
            x1 = Math.max(x1, n.x() + Geometry.width(n));
            y1 = Math.max(y1, n.y() + Geometry.height(n, g));
        }
        double pad = 48;
        double s = Math.min((getWidth() - 2 * pad) / Math.max(1, x1 - x0), (getHeight() - 2 * pad) / Math.max(1, y1 - y0));
        double fit = Math.min(1.25, s);
        s = Math.max(floor, fit);
        setScale(s);
        translate.setX(s > fit && s * (x1 - x0) > getWidth() - 2 * pad ? pad - s * x0 : (getWidth() - s * (x1 - x0)) / 2 - s * x0);
        translate.setY((getHeight() - s * (y1 - y0)) / 2 - s * y0);
    }

    /** Far out, small print is left out (unreadable there, and most of the drawing's cost). */
    private void setScale(double s) {
        scale.setX(s);
        scale.setY(s);
        boolean far = s < FAR;
        if (far != world.getStyleClass().contains("far")) {
            if (far) {
                world.getStyleClass().add("far");
            } else {
                world.getStyleClass().remove("far");
            }
        }
    }

    double zoom() {
        return scale.getX();
    }

    Point2D toWorld(double localX, double localY) {
        return new Point2D((localX - translate.getX()) / scale.getX(), (localY - translate.getY()) / scale.getY());
    }

    /** Where a world point is on this pane (tests and the palette's keyboard drop use it). */
    Point2D toLocal(double worldX, double worldY) {
        return new Point2D(translate.getX() + worldX * scale.getX(), translate.getY() + worldY * scale.getY());
    }

    NodeView nodeView(String id) {
        return nodes.get(id);
    }

    EdgeView edgeView(String id) {
        return edges.get(id);
    }

    Pane world() {
        return world;
    }

    Label refusalLabel() {
        return refusal;
    }
}
