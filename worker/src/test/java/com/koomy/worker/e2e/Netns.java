package com.koomy.worker.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts of one machine made with Linux network namespaces ({@code ip netns}, iproute2): each host has its own
 * namespace, linked by a veth pair to a bridge in the root namespace (where the test runs, at {@code .1}), its own
 * address in a /24, and {@code tc netem} delaying every packet it sends. A link between two hosts can be cut
 * (blackhole routes both ways) and restored. Needs root; {@link #available()} says whether this machine allows it.
 */
final class Netns implements AutoCloseable {

    private final String id = Integer.toString(ThreadLocalRandom.current().nextInt(100, 999));
    private final int subnet = ThreadLocalRandom.current().nextInt(100, 250);
    private final String bridge = "kbr" + id;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private boolean delayed = true;

    /** Root, {@code ip} and {@code tc}, and a kernel that lets this process make namespaces and bridges. */
    static boolean available() {
        if (!"root".equals(System.getProperty("user.name"))
                || !Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
                || !Files.isExecutable(Path.of("/usr/sbin/tc")) && !Files.isExecutable(Path.of("/sbin/tc"))) {
            return false;
        }
        try {
            String probe = "koomy-probe-" + ThreadLocalRandom.current().nextInt(100000);
            run("ip", "netns", "add", probe);
            run("ip", "netns", "del", probe);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    Netns() throws Exception {
        run("ip", "link", "add", bridge, "type", "bridge");
        run("ip", "addr", "add", "10.88." + subnet + ".1/24", "dev", bridge);
        run("ip", "link", "set", bridge, "up");
    }

    /** A new host {@code name} (a few letters) at the next address, sending every packet {@code delayMs} late. */
    String host(String name, int delayMs) throws Exception {
        String address = "10.88." + subnet + "." + (addresses.size() + 2);
        String ns = namespace(name);
        String inside = "k" + id + name;
        String outside = inside + "b";
        run("ip", "netns", "add", ns);
        addresses.put(name, address); // from here on, close() removes the namespace
        run("ip", "link", "add", inside, "type", "veth", "peer", "name", outside);
        run("ip", "link", "set", inside, "netns", ns);
        run("ip", "link", "set", outside, "master", bridge);
        run("ip", "link", "set", outside, "up");
        in(name, "ip", "addr", "add", address + "/24", "dev", inside);
        in(name, "ip", "link", "set", inside, "up");
        in(name, "ip", "link", "set", "lo", "up");
        try {
            in(name, "tc", "qdisc", "add", "dev", inside, "root", "netem", "delay", delayMs + "ms");
        } catch (IllegalStateException e) {
            if (!e.getMessage().contains("qdisc kind is unknown")) {
                throw e;
            }
            delayed = false; // a kernel built without sch_netem (some VMs): the hosts are real, the delay is not
        }
        return address;
    }

    /** False when the kernel has no netem: the links are then as fast as the machine's. */
    boolean delayed() {
        return delayed;
    }

    String address(String host) {
        return addresses.get(host);
    }

    /** The command prefix that runs a program on {@code host}. */
    List<String> exec(String host) {
        return List.of("ip", "netns", "exec", namespace(host));
    }

    /** Nothing passes between the two hosts any more (each drops what it would send to the other). */
    void cut(String a, String b) throws Exception {
        in(a, "ip", "route", "add", "blackhole", addresses.get(b) + "/32");
        in(b, "ip", "route", "add", "blackhole", addresses.get(a) + "/32");
    }

    void restore(String a, String b) throws Exception {
        in(a, "ip", "route", "del", "blackhole", addresses.get(b) + "/32");
        in(b, "ip", "route", "del", "blackhole", addresses.get(a) + "/32");
    }

    @Override
    public void close() {
        for (String host : addresses.keySet()) {
            quietly("ip", "netns", "del", namespace(host)); // deletes its end of the veth pair, and so the pair
        }
        quietly("ip", "link", "del", bridge);
    }

    private String namespace(String host) {
        return "koomy-" + id + "-" + host;
    }

    private void in(String host, String... command) throws Exception {
        List<String> full = new ArrayList<>(exec(host));
        full.addAll(List.of(command));
        run(full.toArray(String[]::new));
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static void quietly(String... command) {
        try {
            run(command);
        } catch (Exception ignored) {
            // already gone
        }
    }
}
