package com.koomy.api.media;

import com.koomy.errors.ApiException;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import com.koomy.api.ratelimit.RateLimited;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.media.storage.BlobKeys;
import com.koomy.media.storage.BlobStore;
import com.koomy.media.storage.MediaCaching;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import com.koomy.api.docs.Refusal;

/**
 * Serves stored image blobs at {@code /media/<sha256>.<ext>}, from whichever storage is configured,
 * so the URLs the API hands out work with nothing in front; in production a CDN or nginx carries them
 * (they are immutable: the name is the hash of the content, cached for a year). Public by design:
 * the unguessable name is the only key (docs/architecture.md, "Private media"). Streamed, never
 * buffered whole.
 */
@Path("/media")
@Tag(name = "media")
public class MediaBlobResource {

    private static final Logger LOG = LoggerFactory.getLogger(MediaBlobResource.class);

    private final BlobStore store;

    public MediaBlobResource(BlobStore store) {
        this.store = store;
    }

    @Access(Access.Who.ANYONE)
    @RateLimited(RateLimited.NONE)
    @GET
    @Path("/{key}")
    @Produces({"image/jpeg", "image/png", "application/json"})
    @Timed
    @Refusal(status = 404, codes = {"media_not_found"})
    @Refusal(status = 503, codes = {"storage_unavailable"})
    @Operation(operationId = "getMediaBlob", summary = "An image blob", description = "200 the bytes with Cache-Control: public, max-age=31536000, "
            + "immutable and an ETag (the content hash); 304 for a matching If-None-Match; 404 unknown or collected; "
            + "503 storage unavailable.")
    @ApiResponse(responseCode = "200", description = "The bytes", headers = {@Header(name = "ETag", schema = @Schema(type = "string")), @Header(name = "Cache-Control", schema = @Schema(type = "string"))}, content = @Content(mediaType = "image/*", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "304", description = "Not modified", headers = {@Header(name = "ETag", schema = @Schema(type = "string")), @Header(name = "Cache-Control", schema = @Schema(type = "string"))})
    public Response get(@PathParam("key") String key, @HeaderParam("If-None-Match") String ifNoneMatch) {
        if (!BlobKeys.isValid(key)) {
            throw notFound();
        }
        String etag = "\"" + key.substring(0, key.indexOf('.')) + "\"";
        if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.strip().equals("*"))) {
            return Response.notModified().header("ETag", etag).header("Cache-Control", MediaCaching.IMMUTABLE).build();
        }
        Optional<BlobStore.Blob> found;
        try {
            found = store.open(key);
        } catch (IOException e) {
            LOG.error("Reading media blob {} from {} failed", key, store.describe(), e);
            throw new ApiException(503, "storage_unavailable", "the image cannot be read right now");
        }
        BlobStore.Blob blob = found.orElseThrow(MediaBlobResource::notFound);
        StreamingOutput bytes = out -> {
            try (InputStream in = blob.content()) {
                in.transferTo(out);
            }
        };
        return Response.ok(bytes, blob.contentType())
                .header("Content-Length", blob.length())
                .header("Cache-Control", MediaCaching.IMMUTABLE)
                .header("ETag", etag)
                // An image is never a page: no sniffing it into HTML, no scripts if opened directly.
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; sandbox")
                .build();
    }

    /**
     * HEAD on its own: Jersey would otherwise run {@link #get} and drop the entity unwritten, leaving the
     * blob's stream (a file, or an S3 connection) open.
     */
    @Access(Access.Who.ANYONE)
    @RateLimited(RateLimited.NONE)
    @HEAD
    @Path("/{key}")
    @Refusal(status = 404, codes = {"media_not_found"})
    @Refusal(status = 503, codes = {"storage_unavailable"})
    @Operation(operationId = "headMediaBlob", summary = "An image blob's headers", description = "As GET, without the body.")
    @ApiResponse(responseCode = "200", description = "The headers", headers = {@Header(name = "ETag", schema = @Schema(type = "string")), @Header(name = "Cache-Control", schema = @Schema(type = "string")), @Header(name = "Content-Length", schema = @Schema(type = "integer"))})
    public Response head(@PathParam("key") String key) {
        if (!BlobKeys.isValid(key)) {
            throw notFound();
        }
        long length;
        String type;
        try (BlobStore.Blob blob = store.open(key).orElseThrow(MediaBlobResource::notFound)) {
            length = blob.length();
            type = blob.contentType();
        } catch (IOException e) {
            LOG.error("Reading media blob {} from {} failed", key, store.describe(), e);
            throw new ApiException(503, "storage_unavailable", "the image cannot be read right now");
        }
        return Response.ok().type(type).header("Content-Length", length)
                .header("Cache-Control", MediaCaching.IMMUTABLE)
                .header("ETag", "\"" + key.substring(0, key.indexOf('.')) + "\"")
                .header("X-Content-Type-Options", "nosniff").build();
    }

    private static ApiException notFound() {
        return new ApiException(404, "media_not_found", "no such image");
    }
}
