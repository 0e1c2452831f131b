package com.koomy.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Cacheable GETs: the JSON body is serialized here, so the strong ETag is the hash of exactly the bytes
 * sent; a matching {@code If-None-Match} answers 304 without a body. Responses vary on Authorization:
 * a signed-in caller's answer (it carries their membership) must never be served to someone else.
 */
public final class ConditionalGet {

    /** Anyone's copy: browsers and shared caches keep it 60 s and may serve it stale while revalidating. */
    public static final String PUBLIC = "public, max-age=60, stale-while-revalidate=300";
    /** A caller's own copy: only their browser keeps it, and revalidates it (ETag) before each use. */
    public static final String PRIVATE = "private, no-cache";

    private final ObjectMapper json;

    public ConditionalGet(ObjectMapper json) {
        this.json = json;
    }

    public Response ok(Request request, Object entity, String cacheControl) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(entity);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + entity.getClass().getSimpleName(), e);
        }
        return ok(request, body, hash(body), cacheControl);
    }

    /** A body already serialized, with its {@link #hash}. */
    public Response ok(Request request, byte[] body, String etag, String cacheControl) {
        EntityTag tag = new EntityTag(etag);
        Response.ResponseBuilder notModified = request.evaluatePreconditions(tag);
        Response.ResponseBuilder response = notModified != null ? notModified
                : Response.ok(body, MediaType.APPLICATION_JSON_TYPE);
        return response.tag(tag)
                .header(HttpHeaders.CACHE_CONTROL, cacheControl)
                .header(HttpHeaders.VARY, HttpHeaders.AUTHORIZATION)
                .build();
    }

    /**
     * Whether an {@code If-None-Match} value matches {@code etag} (quoted) as JAX-RS's
     * {@code evaluatePreconditions} compares for a GET: weakly, {@code *} or any listed tag with or without W/.
     */
    public static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || tag.equals(etag) || (tag.startsWith("W/") && tag.substring(2).equals(etag))) {
                return true;
            }
        }
        return false;
    }

    public static String hash(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            // 128 bits are plenty to tell versions of one resource apart.
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
