package dev.orchard.app.support;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FormatTest {

    @Test
    void numbers() {
        assertThat(Format.value(0.39788735772973816)).isEqualTo("0.397887");
        assertThat(Format.value(257.6641)).isEqualTo("257.664");
        assertThat(Format.value(2.0)).isEqualTo("2");
        assertThat(Format.value(1.5e-5)).isEqualTo("1.5e-05");
        assertThat(Format.value(-3.25e9)).isEqualTo("-3.25e+09");
        assertThat(Format.param(3.141592653)).isEqualTo("3.1416");
        assertThat(Format.param(7)).isEqualTo("7");
        assertThat(Format.param("relu")).isEqualTo("relu");
        assertThat(Format.count(1, "trial")).isEqualTo("1 trial");
        assertThat(Format.count(3, "trial")).isEqualTo("3 trials");
    }

    @Test
    void listMirrorFollowsEveryKindOfChange() {
        ObservableList<Integer> source = FXCollections.observableArrayList(1, 2, 3);
        ObservableList<String> target = FXCollections.observableArrayList();
        ListMirror.bind(source, target, String::valueOf);
        source.add(4);
        source.set(0, 10);
        source.remove(1);
        source.addAll(1, List.of(7, 8));
        FXCollections.sort(source);
        assertThat(target).containsExactly("3", "4", "7", "8", "10");
        ListMirror.update(source, List.of(3, 4, 9));
        assertThat(target).containsExactly("3", "4", "9");
    }

    @Test
    void asyncDeliversResultsAndFailuresOnTheUiExecutor() throws Exception {
        List<String> seen = new java.util.ArrayList<>();
        Async async = new Async(Runnable::run, r -> {
            seen.add("ui");
            r.run();
        });
        assertThat(async.run(() -> 42, v -> seen.add("ok " + v), e -> seen.add("err")).get()).isEqualTo(42);
        var failed = async.run(() -> {
            throw new IllegalStateException("boom");
        }, v -> seen.add("ok"), e -> seen.add("err " + Messages.describe(e)));
        assertThat(failed).isCompletedExceptionally();
        assertThat(seen).containsExactly("ui", "ok 42", "ui", "err boom");
    }
}
