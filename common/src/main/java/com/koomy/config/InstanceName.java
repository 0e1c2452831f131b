package com.koomy.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Names one process in Graphite's series: {@code KOOMY_INSTANCE} when set (ops/koomy and the systemd
 * units set it: api, api-2, worker-1...), else the process and the host ({@code api-web1}). Never the PID:
 * a restart keeps its series. Two processes of one kind on one host need KOOMY_INSTANCE.
 */
public final class InstanceName {

    private InstanceName() {
    }

    public static String of(String process) {
        String given = System.getenv("KOOMY_INSTANCE");
        if (given != null && !given.isBlank()) {
            return given;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return process + "-" + host.replace('.', '_');
    }
}
