package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;

/**
 * Credentials of the admin port (Dropwizard's metrics, thread dump, tasks, pprof): HTTP Basic on every
 * page but {@code /ping} and {@code /healthcheck}, which probes and load balancers call without any.
 * Without credentials those pages refuse everyone; the port also listens on loopback by default.
 */
public class AdminFactory {

    private static final Logger LOG = LoggerFactory.getLogger(AdminFactory.class);

    /** Empty in the YAML reads as null: both mean "not configured". */
    private String user = "";
    private String password = "";

    @JsonProperty public String getUser() { return user; }
    @JsonProperty public void setUser(String user) { this.user = user; }
    @JsonProperty public String getPassword() { return password; }
    @JsonProperty public void setPassword(String password) { this.password = password; }

    /** Puts the credential check in front of every admin page. */
    public void protect(Environment environment) {
        BasicCredentials credentials = new BasicCredentials(user, password);
        if (!credentials.isConfigured()) {
            LOG.info("Admin port: /ping and /healthcheck only; set KOOMY_ADMIN_USER and KOOMY_ADMIN_PASSWORD for "
                    + "metrics, threads and tasks");
        }
        environment.admin().addFilter("admin-credentials", new AdminAuthFilter(credentials))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }

    @Override
    public String toString() {
        return "AdminFactory{user=" + user + "}";
    }
}
