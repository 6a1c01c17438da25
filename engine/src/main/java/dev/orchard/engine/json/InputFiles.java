package dev.orchard.engine.json;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.zip.GZIPInputStream;

/**
 * Opens the files users name (specs, exports, search spaces, task lists, data sets, tables, model files) so that a
 * FIFO, a device, a directory or a socket is refused before it is opened (opening a FIFO blocks; {@code /dev/zero}
 * never ends and reports a size of 0), and so that no read goes past a limit, whatever size the file reports or
 * however it grows while it is read. Gzip files are bounded unpacked as well (a gzip bomb).
 */
public final class InputFiles {
    /** Specs, exports, search spaces, task lists, index tables, manifests: read whole into memory. */
    public static final long DOCUMENT_MAX = 50L << 20;
    /** Data sets and model files, read as a stream: bounds what is read, packed and unpacked. */
    public static final long DATA_MAX = 1L << 30;
    /** One line of a data set (a run with its whole curve). */
    public static final int DATA_LINE_MAX = 64 << 20;

    private InputFiles() {
    }

    /** Refuses {@code file} unless it is a regular file (symbolic links followed); a missing file is a NoSuchFileException. */
    public static void checkRegular(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (a.isRegularFile()) {
            return;
        }
        String what = a.isDirectory() ? "a directory" : kind(file);
        Path real = file.toRealPath();
        String target = real.equals(file.toAbsolutePath().normalize()) ? "" : " (" + real + ")";
        throw new RefusedInputException(file.toString(), what + target + ", not a regular file");
    }

    /** What a file that is neither regular nor a directory is, from its Unix mode where the platform has one. */
    private static String kind(Path file) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(file, "unix:mode");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
        return switch (mode & 0170000) {
            case 0010000 -> "a FIFO (named pipe)";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            case 0140000 -> "a socket";
            default -> "a special file";
        };
    }

    /** A regular file opened for reading; reading past {@code max} bytes throws {@link RefusedInputException}. */
    public static InputStream open(Path file, long max) throws IOException {
        checkRegular(file);
        if (Files.size(file) > max) {
            throw new RefusedInputException(file.toString(), "larger than " + size(max));
        }
        return new Limited(Files.newInputStream(file), max, file.toString(), "larger than ");
    }

    /** The whole file, at most {@code max} bytes. */
    public static byte[] readAllBytes(Path file, long max) throws IOException {
        try (InputStream in = open(file, max)) {
            return in.readAllBytes();
        }
    }

    /** The whole file as strict UTF-8 text (malformed bytes are a {@link java.nio.charset.MalformedInputException}). */
    public static String readString(Path file, long max) throws IOException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(readAllBytes(file, max))).toString();
    }

    /** A text file's lines, unpacked on the fly when its name ends in {@code .gz}; {@code max} bounds packed and unpacked bytes. */
    public static LineReader lines(Path file, long max, int maxLine) throws IOException {
        InputStream in = open(file, max);
        try {
            if (file.toString().endsWith(".gz")) {
                in = new Limited(new GZIPInputStream(in, 1 << 16), max, file.toString(), "unpacks to more than ");
            }
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return new LineReader(in, maxLine, file.toString());
    }

    /** "50 MB" for whole mebibytes, else bytes. */
    static String size(long bytes) {
        return bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? (bytes >> 20) + " MB" : bytes + " bytes";
    }

    /** Passes at most {@code max} bytes through, then refuses: it never reads more than one byte past the limit. */
    private static final class Limited extends FilterInputStream {
        private final long max;
        private final String source;
        private final String what;
        private long count;

        Limited(InputStream in, long max, String source, String what) {
            super(in);
            this.max = max;
            this.source = source;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, max - count + 1));
            if (n > 0) {
                count += n;
                if (count > max) {
                    throw new RefusedInputException(source, what + size(max));
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            int len = (int) Math.min(Math.max(n, 0), 8192);
            return Math.max(0, read(new byte[len], 0, len));
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
