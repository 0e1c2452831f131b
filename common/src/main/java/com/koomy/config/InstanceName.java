package com.koomy.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Names one process in metrics and logs: {@code KOOMY_INSTANCE} when set, else host and pid. */
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
        return process + "-" + host.replace('.', '_') + "-" + ProcessHandle.current().pid();
    }
}
