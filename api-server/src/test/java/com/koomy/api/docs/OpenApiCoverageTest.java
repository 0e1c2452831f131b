package com.koomy.api.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.api.KoomyApiApplication;
import com.koomy.testing.TestDatabase;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document is exactly true: every route Jersey serves is in it, and every route in it is
 * served. The routes come from Jersey's own resource model once the application is initialised
 * (sub-resources and every HTTP method included), not from a list kept by hand.
 */
class OpenApiCoverageTest {

    /**
     * Served but not documented, on purpose: the document itself ({@code @Operation(hidden = true)}).
     * Jersey's generated OPTIONS and HEAD handlers are "extended" methods and are skipped below.
     */
    private static final Set<String> UNDOCUMENTED = Set.of("GET /api/openapi.{type}");

    /** Records the routes of Jersey's final resource model. */
    public static class RecordingApp extends KoomyApiApplication {
        static final Set<String> SERVED = new ConcurrentSkipListSet<>();
        static final Set<String> UNDECLARED = new ConcurrentSkipListSet<>();

        @Override
        protected void addRoutes(ApiConfiguration config, Environment environment, Jdbi jdbi) {
            environment.jersey().register(new ApplicationEventListener() {
                @Override
                public void onEvent(ApplicationEvent event) {
                    if (event.getType() == ApplicationEvent.Type.INITIALIZATION_APP_FINISHED) {
                        event.getResourceModel().getResources().forEach(r -> collect(r, ""));
                    }
                }

                @Override
                public RequestEventListener onRequest(RequestEvent requestEvent) {
                    return null;
                }
            });
        }

        private static void collect(Resource resource, String parent) {
            if (resource.isExtended()) {
                return;
            }
            String path = join(parent, resource.getPath());
            for (ResourceMethod method : resource.getResourceMethods()) {
                if (!method.isExtended()) {
                    SERVED.add(method.getHttpMethod() + " " + normalize(path));
                    if (com.koomy.api.auth.AccessGate.declared(method.getInvocable().getDefinitionMethod()) == null) {
                        UNDECLARED.add(method.getHttpMethod() + " " + normalize(path));
                    }
                }
            }
            if (resource.getResourceLocator() != null) {
                SERVED.add("LOCATOR " + normalize(path)); // none today; one would need its sub-resources listed
            }
            resource.getChildResources().forEach(child -> collect(child, path));
        }

        private static String join(String parent, String path) {
            String joined = (parent + "/" + (path == null ? "" : path)).replaceAll("/+", "/");
            return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
        }

        /** {@code {type: json|yaml}} and {@code {id}} alike become {@code {name}}, as OpenAPI writes them. */
        private static String normalize(String path) {
            return path.replaceAll("\\{\\s*(\\w+)\\s*:[^}]*}", "{$1}");
        }
    }

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(RecordingApp.class, db);

    /** Who may call a route is declared on its resource method (@Access); an undeclared one is refused to all. */
    @Test
    void everyServedRouteDeclaresWhoMayCallIt() {
        assertThat(RecordingApp.SERVED).hasSizeGreaterThan(80);
        assertThat(RecordingApp.UNDECLARED).isEmpty();
    }

    @Test
    void everyServedRouteIsDocumentedAndEveryDocumentedRouteIsServed() {
        Set<String> documented = new TreeSet<>();
        // The first document is generated on demand (a classpath scan): slower than the test client's 5 s timeout.
        try (Client client = ClientBuilder.newBuilder().readTimeout(60, TimeUnit.SECONDS).build();
             Response response = client.target("http://localhost:" + app.getLocalPort() + "/api/openapi.json")
                     .request().get()) {
            assertThat(response.getStatus()).isEqualTo(200);
            JsonNode paths = response.readEntity(JsonNode.class).get("paths");
            paths.fieldNames().forEachRemaining(path -> paths.get(path).fieldNames().forEachRemaining(method -> {
                if (Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace").contains(method)) {
                    documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
                }
            }));
        }
        Set<String> served = new TreeSet<>(RecordingApp.SERVED);
        served.removeAll(UNDOCUMENTED);

        assertThat(served).as("routes Jersey serves").isNotEmpty().contains("GET /api/communities/{id}", "PATCH /api/communities/{id}",
                "DELETE /api/communities/{communityId}/members/{accountId}", "POST /api/webhooks/stripe");
        assertThat(documented).as("documented routes").containsExactlyInAnyOrderElementsOf(served);
    }
}
