package ciamharness.adapter;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import java.io.PrintStream;

/**
 * The protocol's side of stdout: one JSON object per line, each written whole and flushed.
 * Outcomes are written by many threads at once; a lock keeps their lines apart.
 */
final class Output {
    /** The adapter's own JSON: no HTML escaping, nulls kept (a null JobSet stays null). */
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private final PrintStream out;

    Output(PrintStream out) {
        this.out = out;
    }

    /** write writes o as one line; false if the stream has failed (the harness is gone). */
    synchronized boolean write(JsonObject o) {
        out.print(GSON.toJson(o));
        out.print('\n');
        out.flush();
        return !out.checkError();
    }
}
