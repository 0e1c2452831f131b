package com.koomy.api.auth;

import com.koomy.api.auth.Access.Who;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import com.koomy.errors.ApiException;
import com.koomy.api.fastpath.RequestGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.function.Consumer;

/**
 * Binds to every resource method the check of its {@link Access} declaration, run after Jersey matched the
 * request to that method, so that no spelling of a path (matrix parameters, escapes, dot or empty segments)
 * reaches a method without its check. A resource method that declares nothing is refused to everyone (403
 * {@code access_undeclared}) and named in the log at start: a new route is closed until someone says who
 * may call it.
 */
public class AccessFeature implements DynamicFeature {

    private static final Logger LOG = LoggerFactory.getLogger(AccessFeature.class);

    private final AccessGate gate;

    public AccessFeature(AccessGate gate) {
        this.gate = gate;
    }

    /**
     * Who is calling ({@link SessionAuthFilter}) and whether they may ({@code AccessFeature}), through {@code gate}:
     * {@code jersey} is the app's {@code environment.jersey()::register}, or a resource test's {@code addProvider}.
     */
    public static void register(AccessGate gate, Consumer<Object> jersey) {
        jersey.accept(new SessionAuthFilter(gate));
        jersey.accept(new AccessFeature(gate));
    }

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Method method = resource.getResourceMethod();
        if (!method.getDeclaringClass().getName().startsWith("com.koomy.")) {
            return; // Jersey's own handlers (OPTIONS' Allow, WADL): no resource of ours behind them
        }
        Who who = AccessGate.declared(method);
        if (who == null) {
            LOG.error("{}.{} declares no @Access: refused to every caller", method.getDeclaringClass().getName(), method.getName());
            context.register(new Check(gate, null, method));
        } else if (who != Who.ANYONE) {
            context.register(new Check(gate, who, method));
        }
    }

    @Priority(Priorities.AUTHORIZATION)
    private static final class Check implements ContainerRequestFilter {

        private final AccessGate gate;
        private final Who who;
        private final Method method;

        Check(AccessGate gate, Who who, Method method) {
            this.gate = gate;
            this.who = who;
            this.method = method;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            if (RequestGate.passed(request.getProperty(RequestGate.PASSED), method)) {
                return; // a fast path's gate checked this very method's declaration already
            }
            try {
                if (who == null) {
                    throw new ApiException(403, "access_undeclared", "this route declares no access rule");
                }
                gate.require(who, request.getSecurityContext() == null ? null : request.getSecurityContext().getUserPrincipal());
            } catch (ApiException e) {
                request.abortWith(SessionAuthFilter.refusal(e));
            }
        }
    }
}
