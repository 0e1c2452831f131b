package com.koomy.testing;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * The tests' provider stubs as a process of their own, for the benchmarks and load and chaos runs in ops/:
 * {@link StripeStub}, {@link SendGridStub} and {@link OpenAiStub} with their default answers, each on the
 * port given (a stub whose port is not given is not started), until the process is stopped. WireMock's admin
 * API stays on each port ({@code /__admin/health}, {@code /__admin/requests}: the request journal).
 *
 * <pre>
 * java -cp CLASSPATH com.koomy.testing.StubsMain [--stripe-port N] [--sendgrid-port N] [--sendgrid-delay-ms MS]
 *      [--openai-port N] [--bind ADDRESS] [--threads N]
 * </pre>
 * Prints {@code stub NAME http://ADDRESS:PORT} for each once it answers, then {@code stubs ready}.
 */
public final class StubsMain {

    private StubsMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int stripePort = 0;
        int sendGridPort = 0;
        int sendGridDelay = 0;
        int openAiPort = 0;
        String bind = "127.0.0.1";
        int threads = 200;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--stripe-port" -> stripePort = port(args[i], value);
                case "--sendgrid-port" -> sendGridPort = port(args[i], value);
                case "--sendgrid-delay-ms" -> sendGridDelay = number(args[i], value, 0, 600_000);
                case "--openai-port" -> openAiPort = port(args[i], value);
                case "--bind" -> bind = require(args[i], value);
                case "--threads" -> threads = number(args[i], value, 8, 2_000);
                default -> usage("unknown option " + args[i]);
            }
            i++;
        }
        if (stripePort == 0 && sendGridPort == 0 && openAiPort == 0) {
            usage("give at least one of --stripe-port, --sendgrid-port, --openai-port");
        }
        List<AutoCloseable> started = new ArrayList<>();
        if (stripePort > 0) {
            StripeStub stripe = new StripeStub(server(stripePort, bind, threads));
            started.add(stripe.server()::stop);
            System.out.println("stub stripe http://" + bind + ":" + stripePort);
        }
        if (sendGridPort > 0) {
            SendGridStub sendGrid = new SendGridStub(server(sendGridPort, bind, threads));
            sendGrid.accept(sendGridDelay);
            started.add(sendGrid);
            System.out.println("stub sendgrid http://" + bind + ":" + sendGridPort + " (202 after " + sendGridDelay + " ms)");
        }
        if (openAiPort > 0) {
            started.add(new OpenAiStub(server(openAiPort, bind, threads), "A draft.", 30, 12));
            System.out.println("stub openai http://" + bind + ":" + openAiPort);
        }
        System.out.println("stubs ready");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable stub : started) {
                try {
                    stub.close();
                } catch (Exception e) {
                    System.err.println("stopping a stub: " + e);
                }
            }
            stopped.countDown();
        }));
        stopped.await();
    }

    /** Delayed answers are parked on WireMock's scheduler, so the server's threads do not sleep. */
    private static WireMockConfiguration server(int port, String bind, int threads) {
        return options().port(port).bindAddress(bind).containerThreads(threads).jettyAcceptors(1)
                .asynchronousResponseEnabled(true).asynchronousResponseThreads(16);
    }

    private static int port(String option, String value) {
        return number(option, value, 1, 65_535);
    }

    private static int number(String option, String value, int min, int max) {
        try {
            int n = Integer.parseInt(require(option, value));
            if (n < min || n > max) {
                usage(option + " must be " + min + ".." + max);
            }
            return n;
        } catch (NumberFormatException e) {
            usage(option + " takes a number, not " + value);
            return 0;
        }
    }

    private static String require(String option, String value) {
        if (value == null) {
            usage(option + " needs a value");
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println("StubsMain: " + problem + "\nusage: StubsMain [--stripe-port N] [--sendgrid-port N] "
                + "[--sendgrid-delay-ms MS] [--openai-port N] [--bind ADDRESS] [--threads N]");
        System.exit(2);
    }
}
