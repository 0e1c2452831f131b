package com.koomy.worker.jobs;

import com.koomy.config.BasicCredentials;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
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
 *
 * <p>The free dashboard's page asks api.jobrunr.io from the operator's browser for the latest version and
 * for notifications on every load and every 15 minutes, with no setting to stop it (its anonymous usage
 * report is off: {@code allowAnonymousDataUsage} false below). Every answer carries
 * {@value #CONTENT_SECURITY_POLICY}, so the browser sends those requests nowhere (the page ignores their
 * failure) while its own API and event stream, on this origin, work as before.
 */
public final class DashboardServer {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    static final String CONTENT_SECURITY_POLICY = "connect-src 'self'";

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
            server.createContext(redirect.getContextPath(), redirect).getFilters().add(SAME_ORIGIN_ONLY);
            BasicAuthenticator authenticator = new BasicAuthenticator("JobRunr") {
                @Override
                public boolean checkCredentials(String user, String password) {
                    return credentials.matches(user, password);
                }
            };
            for (HttpExchangeHandler handler : secured) {
                HttpContext context = server.createContext(handler.getContextPath(), handler);
                context.setAuthenticator(authenticator);
                context.getFilters().add(SAME_ORIGIN_ONLY);
            }
            server.start();
            LOG.info("JobRunr dashboard listening on http://{}:{}/dashboard", bindHost, server.getAddress().getPort());
            return new DashboardServer(server, executor, secured);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the JobRunr dashboard on " + bindHost + ":" + port, e);
        }
    }

    /** Scripts of the page may fetch from this origin only (see the class comment). */
    private static final Filter SAME_ORIGIN_ONLY = new Filter() {
        @Override
        public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
            exchange.getResponseHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            chain.doFilter(exchange);
        }

        @Override
        public String description() {
            return "Content-Security-Policy: " + CONTENT_SECURITY_POLICY;
        }
    };

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
