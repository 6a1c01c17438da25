package dev.orchard.engine.experiment;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppendOnlyIntsTest {
    @Test
    void aSnapshotKeepsWhatWasThereThroughLaterAdditionsAndGrowth() {
        var ints = new AppendOnlyInts();
        ints.addAll(List.of(3, 1, 2));
        List<Integer> early = ints.snapshot();
        IntStream.range(0, 100).forEach(ints::add); // grows the array several times
        assertThat(early).containsExactly(3, 1, 2);
        assertThat(ints.snapshot()).hasSize(103).startsWith(3, 1, 2).endsWith(98, 99);
        assertThatThrownBy(() -> early.get(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> early.add(4)).isInstanceOf(UnsupportedOperationException.class);
    }
}
