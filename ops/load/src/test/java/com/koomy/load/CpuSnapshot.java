package com.koomy.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CPU ticks from /proc, by who spent them: the API(s), the worker(s), PostgreSQL's backends serving
 * our database (their process title names it; the server's shared background processes and other
 * databases' backends count as "other"), Redis, HAProxy, the Stripe stub, this load generator, and
 * everything else on the machine (other people's builds and stacks on a shared machine). Two snapshots give each one's share of the machine over a step: the limiting
 * factor column of the report. Linux only; elsewhere the shares are simply absent.
 */
record CpuSnapshot(long total, long idle, Map<String, Long> byGroup) {

    static final List<String> GROUPS = List.of("api", "worker", "postgres", "redis", "haproxy", "stub", "generator");

    static CpuSnapshot take(LoadConfig config) {
        Map<String, Long> groups = new LinkedHashMap<>();
        GROUPS.forEach(g -> groups.put(g, 0L));
        long total = 0;
        long idle = 0;
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            for (int i = 1; i < cpu.length && i <= 8; i++) {
                total += Long.parseLong(cpu[i]);
            }
            idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
            Set<Long> api = Set.copyOf(config.apiPids());
            Set<Long> worker = Set.copyOf(config.workerPids());
            Set<Long> stub = Set.copyOf(config.stubPids());
            long self = ProcessHandle.current().pid();
            try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
                for (Path proc : procs) {
                    String stat;
                    try {
                        stat = Files.readString(proc.resolve("stat"));
                    } catch (IOException gone) {
                        continue;
                    }
                    long pid = Long.parseLong(proc.getFileName().toString());
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String comm = stat.substring(open + 1, close);
                    String[] f = stat.substring(close + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    String group = api.contains(pid) ? "api" : worker.contains(pid) ? "worker" : stub.contains(pid) ? "stub"
                            : pid == self ? "generator" : comm.equals("postgres") ? (ourBackend(proc, config) ? "postgres" : null)
                            : comm.equals("redis-server") ? "redis" : comm.equals("haproxy") ? "haproxy" : null;
                    if (group != null) {
                        groups.merge(group, ticks, Long::sum);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return new CpuSnapshot(0, 0, Map.of());
        }
        return new CpuSnapshot(total, idle, groups);
    }

    /** A backend's title is "postgres: CLUSTER: USER DATABASE CLIENT STATE". */
    private static boolean ourBackend(Path proc, LoadConfig config) {
        try {
            String title = new String(Files.readAllBytes(proc.resolve("cmdline"))).replace('\0', ' ');
            return title.contains(" " + config.database() + " ");
        } catch (IOException gone) {
            return false;
        }
    }

    /**
     * Percent of the whole machine (all cores) each group used between the two snapshots, plus
     * "other" and "idle"; empty when /proc was not readable. Processes that ended in between (a
     * PostgreSQL backend) lose their ticks: a small undercount.
     */
    static Map<String, Double> shares(CpuSnapshot from, CpuSnapshot to) {
        Map<String, Double> shares = new LinkedHashMap<>();
        long total = to.total - from.total;
        if (total <= 0 || from.byGroup.isEmpty() || to.byGroup.isEmpty()) {
            return shares;
        }
        long busy = total - (to.idle - from.idle);
        long known = 0;
        for (String g : GROUPS) {
            long used = Math.max(0, to.byGroup.getOrDefault(g, 0L) - from.byGroup.getOrDefault(g, 0L));
            known += used;
            shares.put(g, 100.0 * used / total);
        }
        shares.put("other", 100.0 * Math.max(0, busy - known) / total);
        shares.put("idle", 100.0 * (total - busy) / total);
        return shares;
    }
}
