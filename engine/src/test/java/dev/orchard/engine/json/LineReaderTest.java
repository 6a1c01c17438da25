package dev.orchard.engine.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class LineReaderTest {
    private static LineReader reader(String text, int maxLine) {
        return new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), maxLine, "test");
    }

    @Test
    void splitsOnNewlinesDropsCarriageReturnsAndKeepsALastLineWithoutNewline() throws Exception {
        var r = reader("a\r\n\nüber\nlast", 100);
        assertThat(r.readLine()).isEqualTo("a");
        assertThat(r.readLine()).isEmpty();
        assertThat(r.readLine()).isEqualTo("über");
        assertThat(r.readLine()).isEqualTo("last");
        assertThat(r.lineNumber()).isEqualTo(4);
        assertThat(r.readLine()).isNull();
        assertThat(r.readLine()).isNull();
        assertThat(r.lineNumber()).isEqualTo(4);
        assertThat(reader("", 10).readLine()).isNull();
    }

    @Test
    void aLineOfExactlyTheLimitIsReadAndOneByteMoreIsRefusedWithItsNumber() throws Exception {
        String ten = "x".repeat(10);
        var r = reader(ten + "\n" + ten + "y\n", 10);
        assertThat(r.readLine()).isEqualTo(ten);
        assertThatThrownBy(r::readLine).isInstanceOf(RefusedInputException.class)
                .hasMessage("test: line 2 is longer than 10 bytes");
        // limits are in bytes: five two-byte characters fill ten
        assertThat(reader("ééééé", 10).readLine()).isEqualTo("ééééé");
        assertThatThrownBy(() -> reader("éééééé", 10).readLine()).isInstanceOf(RefusedInputException.class);
    }

    /** An endless line is refused after at most the limit plus one read buffer, not buffered whole. */
    @Test
    void anEndlessLineIsRefusedAfterReadingLittleMoreThanTheLimit() {
        long[] read = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                read[0]++;
                return 'a';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'a');
                read[0] += len;
                return len;
            }
        };
        var r = new LineReader(endless, 1 << 20, "client 127.0.0.1:1");
        assertThatThrownBy(r::readLine).isInstanceOf(RefusedInputException.class)
                .hasMessage("client 127.0.0.1:1: line 1 is longer than 1 MB");
        assertThat(read[0]).isLessThanOrEqualTo((1 << 20) + 8192);
    }
}
