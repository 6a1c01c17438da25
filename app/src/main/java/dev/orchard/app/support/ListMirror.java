package dev.orchard.app.support;

import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

import java.util.List;
import java.util.function.Function;

/** Keeps a target list equal to a source list mapped element by element, applying each change where it happened. */
public final class ListMirror {
    private ListMirror() {
    }

    public static <S, T> void bind(ObservableList<S> source, ObservableList<T> target, Function<? super S, ? extends T> map) {
        target.setAll(source.stream().map(map).toList());
        source.addListener((ListChangeListener<S>) c -> {
            while (c.next()) {
                if (c.wasPermutated()) {
                    target.setAll(source.stream().map(map).toList());
                    return;
                }
                if (c.wasRemoved()) {
                    target.remove(c.getFrom(), c.getFrom() + c.getRemovedSize());
                }
                if (c.wasAdded()) {
                    List<? extends S> added = c.getAddedSubList();
                    target.addAll(c.getFrom(), added.stream().map(map).toList());
                }
            }
        });
    }

    /**
     * Makes {@code target} equal to {@code wanted} with few changes: the common prefix is kept, the rest replaced.
     * Cheap when a list mostly grows at its end (a best-so-far line, a trial table).
     */
    public static <T> void update(ObservableList<T> target, List<T> wanted) {
        int common = 0;
        int n = Math.min(target.size(), wanted.size());
        while (common < n && target.get(common).equals(wanted.get(common))) {
            common++;
        }
        if (common == target.size() && common == wanted.size()) {
            return;
        }
        if (common < target.size()) {
            target.remove(common, target.size());
        }
        if (common < wanted.size()) {
            target.addAll(wanted.subList(common, wanted.size()));
        }
    }
}
