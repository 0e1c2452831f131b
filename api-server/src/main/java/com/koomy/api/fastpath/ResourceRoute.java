package com.koomy.api.fastpath;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.codahale.metrics.annotation.ExceptionMetered;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.auth.Access;
import com.koomy.api.auth.AccessGate;
import com.koomy.api.ratelimit.RateLimited;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A resource method as a fast path stands in for it, read from the method's own annotations: its HTTP
 * method and path template, its route name for the statistics ({@code POST /api/events/{eventId}/checkins},
 * as {@code RouteTemplateFilter} names it), its {@code @Access} and {@code @RateLimited} declarations, the
 * media types it consumes and produces, and the metrics its {@code @Timed}/{@code @ExceptionMetered} name
 * (the very Timer and Meter Jersey updates). Fails at start if the method is gone or declares no access.
 * Path parameters must be UUIDs: a fast path only takes their canonical form, Jersey answers the others.
 */
public final class ResourceRoute {

    private final Method method;
    private final String httpMethod;
    private final String name;
    private final String[] segments;
    private final Access.Who who;
    private final RateLimited limits;
    private final List<String> consumes;
    private final Timer timer;
    private final Meter exceptions;

    private ResourceRoute(Method method, String httpMethod, String template, MetricRegistry metrics) {
        this.method = method;
        this.httpMethod = httpMethod;
        this.name = httpMethod + " " + template;
        this.segments = template.substring(1).split("/");
        this.who = AccessGate.declared(method);
        if (who == null) {
            throw new IllegalStateException(method + " declares no @Access");
        }
        this.limits = method.getAnnotation(RateLimited.class);
        Consumes declared = method.isAnnotationPresent(Consumes.class) ? method.getAnnotation(Consumes.class)
                : method.getDeclaringClass().getAnnotation(Consumes.class);
        this.consumes = declared == null ? List.of(MediaType.WILDCARD) : Arrays.asList(declared.value());
        Produces produces = method.isAnnotationPresent(Produces.class) ? method.getAnnotation(Produces.class)
                : method.getDeclaringClass().getAnnotation(Produces.class);
        if (produces == null || !Arrays.asList(produces.value()).equals(List.of(MediaType.APPLICATION_JSON))) {
            throw new IllegalStateException(method + " must produce application/json only to have a fast path");
        }
        Class<?> type = method.getDeclaringClass();
        // Named as metrics-jersey3 names them (class and method; "exceptions" for the meter).
        this.timer = method.isAnnotationPresent(Timed.class) ? metrics.timer(MetricRegistry.name(type, method.getName())) : null;
        this.exceptions = method.isAnnotationPresent(ExceptionMetered.class)
                ? metrics.meter(MetricRegistry.name(type, method.getName(), ExceptionMetered.DEFAULT_NAME_SUFFIX)) : null;
    }

    /** The resource method {@code name} of {@code resource} (the one with an HTTP method annotation). */
    public static ResourceRoute of(Class<?> resource, String name, MetricRegistry metrics) {
        for (Method method : resource.getMethods()) {
            String http = httpMethod(method);
            if (method.getName().equals(name) && http != null) {
                for (Parameter parameter : method.getParameters()) {
                    if (parameter.isAnnotationPresent(PathParam.class) && parameter.getType() != UUID.class) {
                        throw new IllegalStateException(method + ": a fast path takes UUID path parameters only");
                    }
                }
                return new ResourceRoute(method, http, template(resource, method), metrics);
            }
        }
        throw new IllegalStateException(resource.getSimpleName() + "." + name + " is not a resource method");
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    private static String template(Class<?> resource, Method method) {
        StringBuilder path = new StringBuilder();
        for (Path part : new Path[]{resource.getAnnotation(Path.class), method.getAnnotation(Path.class)}) {
            if (part == null || part.value().isEmpty() || part.value().equals("/")) {
                continue;
            }
            String value = part.value().endsWith("/") ? part.value().substring(0, part.value().length() - 1) : part.value();
            path.append(value.startsWith("/") ? "" : "/").append(value);
        }
        return path.toString();
    }

    /**
     * The path parameters (in template order) when {@code request} is this route's method on exactly this
     * path, with each parameter a canonical lower-case UUID; null for any other request.
     */
    public List<UUID> match(HttpServletRequest request) {
        if (!httpMethod.equals(request.getMethod())) {
            return null;
        }
        String uri = request.getRequestURI();
        List<UUID> values = new ArrayList<>(2);
        int at = 0;
        for (String segment : segments) {
            if (at >= uri.length() || uri.charAt(at) != '/') {
                return null;
            }
            at++;
            if (segment.startsWith("{")) {
                if (!uuidAt(uri, at)) {
                    return null;
                }
                values.add(UUID.fromString(uri.substring(at, at + 36)));
                at += 36;
            } else {
                if (!uri.startsWith(segment, at)) {
                    return null;
                }
                at += segment.length();
            }
        }
        return at == uri.length() ? values : null;
    }

    /** A canonical lower-case UUID at {@code at}, followed by the end or a slash. */
    private static boolean uuidAt(String uri, int at) {
        if (uri.length() < at + 36 || (uri.length() > at + 36 && uri.charAt(at + 36) != '/')) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = uri.charAt(at + i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23) ? c == '-' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether Jersey would pick this method by media types: the body's Content-Type among those it consumes
     * (none needed without a body), and an Accept header, if any, that takes JSON without a quality factor.
     * Otherwise Jersey answers (415, 406) before any filter runs, and so must the fast path let it.
     */
    public boolean negotiable(HttpServletRequest request) {
        String contentType = request.getContentType();
        boolean body = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        if (!consumes.contains(MediaType.WILDCARD) && (body || contentType != null)) {
            if (contentType == null || !consumes.contains(bare(contentType))) {
                return false;
            }
        }
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept == null || accept.isBlank()) {
            return true;
        }
        if (accept.contains(";")) {
            return false; // qualities and parameters: Jersey's negotiation decides
        }
        for (String type : accept.split(",")) {
            String t = type.strip().toLowerCase(Locale.ROOT);
            if (t.equals(MediaType.APPLICATION_JSON) || t.equals("*/*") || t.equals("application/*")) {
                return true;
            }
        }
        return false;
    }

    private static String bare(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    public Method method() {
        return method;
    }

    /** The statistics' route name: {@code METHOD /template}. */
    public String name() {
        return name;
    }

    public Access.Who who() {
        return who;
    }

    /** The method's {@code @RateLimited}; null when it has none. */
    public RateLimited limits() {
        return limits;
    }

    /** The resource method's {@code @Timed} timer; null when it is not timed. */
    public Timer timer() {
        return timer;
    }

    /** The resource method's {@code @ExceptionMetered} meter; null when it has none. */
    public Meter exceptions() {
        return exceptions;
    }
}
