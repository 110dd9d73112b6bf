package ciamharness.adapter;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The conformance harness's adapter for the official Java SDK, tencentcloud-sdk-java
 * (drivers/java/pom.xml pins it). The harness starts it (drivers/java/run) and speaks the
 * protocol of DRIVERS.md over stdin and stdout. See {@link Adapter} for the loop and
 * {@link Caller} for how each intent goes through the SDK.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // stdout carries protocol lines only: whatever else would print there (a library's
        // log, a stack trace) goes to stderr.
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.setOut(err);
        int code = 0;
        try {
            new Adapter(new Output(protocol), err, Caller::call)
                    .serve(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        } catch (Throwable t) {
            err.println("adapter: reading stdin: " + t.getClass().getName());
            code = 3;
        }
        protocol.flush();
        System.exit(code);
    }
}
