package com.koomy.worker.jobs;

import com.koomy.config.BasicCredentials;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpServer;
import org.jobrunr.dashboard.JobRunrApiHandler;
import org.jobrunr.dashboard.JobRunrSseHandler;
import org.jobrunr.dashboard.JobRunrStaticFileHandler;
import org.jobrunr.dashboard.server.HttpExchangeHandler;
import org.jobrunr.dashboard.server.http.RedirectHttpHandler;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.ThreadSafeStorageProvider;
import org.jobrunr.utils.mapper.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * JobRunr's dashboard (its own page, API and event-stream handlers) on an address we choose:
 * JobRunr's {@code JobRunrDashboardWebServer} always listens on every interface, so it is replaced by
 * this one, which binds {@code jobs.dashboardBindHost} (loopback by default; operators reach it through
 * an SSH tunnel or {@code kubectl port-forward}) and asks for the credentials on every handler but the
 * bare redirect from {@code /} to {@code /dashboard}.
 */
public final class DashboardServer {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<HttpExchangeHandler> handlers;

    private DashboardServer(HttpServer server, ExecutorService executor, List<HttpExchangeHandler> handlers) {
        this.server = server;
        this.executor = executor;
        this.handlers = handlers;
    }

    public static DashboardServer start(StorageProvider storage, JsonMapper json, String bindHost, int port,
                                        BasicCredentials credentials) {
        StorageProvider threadSafe = new ThreadSafeStorageProvider(storage);
        List<HttpExchangeHandler> secured = List.of(new JobRunrStaticFileHandler(),
                new JobRunrApiHandler(threadSafe, json, false), new JobRunrSseHandler(threadSafe, json));
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bindHost), port), 0);
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread thread = new Thread(r, "koomy-dashboard");
                thread.setDaemon(true);
                return thread;
            });
            server.setExecutor(executor);
            RedirectHttpHandler redirect = new RedirectHttpHandler("/", "/dashboard");
            server.createContext(redirect.getContextPath(), redirect);
            BasicAuthenticator authenticator = new BasicAuthenticator("JobRunr") {
                @Override
                public boolean checkCredentials(String user, String password) {
                    return credentials.matches(user, password);
                }
            };
            for (HttpExchangeHandler handler : secured) {
                server.createContext(handler.getContextPath(), handler).setAuthenticator(authenticator);
            }
            server.start();
            LOG.info("JobRunr dashboard listening on http://{}:{}/dashboard", bindHost, server.getAddress().getPort());
            return new DashboardServer(server, executor, secured);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the JobRunr dashboard on " + bindHost + ":" + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        for (HttpExchangeHandler handler : handlers) {
            try {
                handler.close();
            } catch (Exception e) {
                LOG.warn("Closing a dashboard handler failed: {}", e.toString());
            }
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
