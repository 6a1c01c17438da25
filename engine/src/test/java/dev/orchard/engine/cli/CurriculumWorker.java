package dev.orchard.engine.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A worker process for {@link CurriculumServeTest}: connects to a curriculum server, samples and updates K times. */
public final class CurriculumWorker {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int k = Integer.parseInt(args[1]);
        try (Socket s = new Socket("127.0.0.1", port);
             var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            for (int i = 0; i < k; i++) {
                out.println("{\"op\":\"sample\"}");
                String answer = in.readLine();
                String task = answer.replaceAll(".*\"task\":\"([^\"]+)\".*", "$1");
                out.println("{\"op\":\"update\",\"task\":\"" + task + "\",\"score\":" + (i % 2) + "}");
                String ok = in.readLine();
                if (!ok.equals("{\"ok\":true}")) {
                    System.err.println("update answered " + ok);
                    System.exit(1);
                }
            }
        }
    }
}
