package com.koomy.api.media;

import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.auth.Access;
import com.koomy.api.docs.Refusal;
import com.koomy.api.media.MediaUrls.MediaView;
import com.koomy.errors.ApiError;
import com.koomy.errors.ApiException;
import com.koomy.media.CommunityMedia;
import com.koomy.media.MediaTarget;
import com.koomy.media.image.ImageRefusedException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.UUID;

/**
 * Image uploads (issue 8): the image's bytes are the request body (Content-Type image/jpeg, image/png,
 * image/webp or application/octet-stream; the type is read from the bytes whatever is declared).
 * Each upload answers 201 with the stored original's immutable URL; the worker adds the medium and
 * thumbnail sizes within seconds ({@code status} becomes {@code ready}). Reads and removals are
 * {@link MediaResource}'s.
 */
@Path("/api")
@Tag(name = "media")
@Produces(MediaType.APPLICATION_JSON)
public class MediaUploadResource {

    private static final Logger LOG = LoggerFactory.getLogger(MediaUploadResource.class);
    private static final String UPLOAD_ERRORS = " 401 signed out; 404 not a member (or no such target); 413 over the "
            + "size limit; 415 not JPEG, PNG or WebP (by its bytes) or a wrong Content-Type; 422 invalid_image (corrupt, "
            + "truncated) or image_too_large (too many pixels); 503 storage unavailable or too busy.";
    /** The timers keep the names they had when uploads were routes of {@link MediaResource}. */
    private static final String TIMERS = "com.koomy.api.media.MediaResource.";

    private final CommunityMedia media;
    private final MediaUrls urls;
    private final long maxBytes;
    private final java.nio.file.Path tempDirectory;

    public MediaUploadResource(CommunityMedia media, MediaUrls urls, long maxBytes, java.nio.file.Path tempDirectory) {
        this.media = media;
        this.urls = urls;
        this.maxBytes = maxBytes;
        this.tempDirectory = tempDirectory;
    }

    @Access(Access.Who.MANAGER)
    @PUT
    @Path("/communities/{communityId}/logo")
    @Consumes(MediaType.WILDCARD)
    @Timed(name = TIMERS + "putLogo", absolute = true)
    @Operation(operationId = "uploadLogo", summary = "Upload the community's logo", description = "Owners and admins. 201 the image; the previous "
            + "logo is released (its URLs keep working for the grace period). 403 other members." + UPLOAD_ERRORS)
    @ApiResponse(responseCode = "201", description = "The image", content = @Content(mediaType = "application/json", schema = @Schema(implementation = MediaView.class)))
    public Response putLogo(@PathParam("communityId") UUID communityId, @HeaderParam("Content-Length") Long length,
                            @HeaderParam("Content-Type") String type, @HeaderParam("Expect") String expect,
                            InputStream body, @Context SecurityContext context) {
        return upload(MediaTarget.COMMUNITY_LOGO, communityId, communityId, length, type, expect, body, context);
    }

    @Access(Access.Who.MANAGER)
    @PUT
    @Path("/communities/{communityId}/cover")
    @Consumes(MediaType.WILDCARD)
    @Timed(name = TIMERS + "putCover", absolute = true)
    @Operation(operationId = "uploadCover", summary = "Upload the community's cover image", description = "Owners and admins. 201 the image; the "
            + "previous cover is released. 403 other members." + UPLOAD_ERRORS)
    @ApiResponse(responseCode = "201", description = "The image", content = @Content(mediaType = "application/json", schema = @Schema(implementation = MediaView.class)))
    public Response putCover(@PathParam("communityId") UUID communityId, @HeaderParam("Content-Length") Long length,
                             @HeaderParam("Content-Type") String type, @HeaderParam("Expect") String expect,
                             InputStream body, @Context SecurityContext context) {
        return upload(MediaTarget.COMMUNITY_COVER, communityId, communityId, length, type, expect, body, context);
    }

    @Access(Access.Who.MEMBER)
    @PUT
    @Path("/communities/{communityId}/members/me/avatar")
    @Consumes(MediaType.WILDCARD)
    @Timed(name = TIMERS + "putAvatar", absolute = true)
    @Operation(operationId = "uploadMyAvatar", summary = "Upload my avatar in this community", description = "Active members, for themselves. 201 the "
            + "image; the previous avatar is released." + UPLOAD_ERRORS)
    @ApiResponse(responseCode = "201", description = "The image", content = @Content(mediaType = "application/json", schema = @Schema(implementation = MediaView.class)))
    public Response putAvatar(@PathParam("communityId") UUID communityId, @HeaderParam("Content-Length") Long length,
                              @HeaderParam("Content-Type") String type, @HeaderParam("Expect") String expect,
                              InputStream body, @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        return upload(MediaTarget.MEMBER_AVATAR, communityId, caller, length, type, expect, body, context);
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/news/{postId}/images")
    @Consumes(MediaType.WILDCARD)
    @Timed(name = TIMERS + "addNewsImage", absolute = true)
    @Refusal(status = 404, codes = {"news_not_found"})
    @Refusal(status = 409, codes = {"too_many_images"})
    @Operation(operationId = "addNewsImage", summary = "Add an image to a news post", description = "Owners and admins, drafts and published posts. "
            + "201 the image. 403 other members; 404 news_not_found; 409 too_many_images (20 per post)." + UPLOAD_ERRORS)
    @ApiResponse(responseCode = "201", description = "The image", content = @Content(mediaType = "application/json", schema = @Schema(implementation = MediaView.class)))
    public Response addNewsImage(@PathParam("communityId") UUID communityId, @PathParam("postId") UUID postId,
                                 @HeaderParam("Content-Length") Long length, @HeaderParam("Content-Type") String type,
                                 @HeaderParam("Expect") String expect, InputStream body, @Context SecurityContext context) {
        return upload(MediaTarget.NEWS_IMAGE, communityId, postId, length, type, expect, body, context);
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/events/{eventId}/images")
    @Consumes(MediaType.WILDCARD)
    @Timed(name = TIMERS + "addEventImage", absolute = true)
    @Refusal(status = 404, codes = {"event_not_found"})
    @Refusal(status = 409, codes = {"too_many_images"})
    @Operation(operationId = "addEventImage", summary = "Add an image to an event", description = "Owners and admins. 201 the image. 403 other "
            + "members; 404 event_not_found; 409 too_many_images (20 per event)." + UPLOAD_ERRORS)
    @ApiResponse(responseCode = "201", description = "The image", content = @Content(mediaType = "application/json", schema = @Schema(implementation = MediaView.class)))
    public Response addEventImage(@PathParam("communityId") UUID communityId, @PathParam("eventId") UUID eventId,
                                  @HeaderParam("Content-Length") Long length, @HeaderParam("Content-Type") String type,
                                  @HeaderParam("Expect") String expect, InputStream body, @Context SecurityContext context) {
        return upload(MediaTarget.EVENT_IMAGE, communityId, eventId, length, type, expect, body, context);
    }

    /**
     * Checks the caller first (a non-member's body is never read: 404 before it is sent when the client
     * waits for 100-continue, and another tenant learns nothing from a 415), then the declared type and
     * length, then streams the body to a temporary file.
     */
    private Response upload(MediaTarget target, UUID communityId, UUID targetId, Long length, String type,
                            String expect, InputStream body, SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        media.authorizeUpload(target, communityId, caller, targetId);
        if (!acceptedType(type)) {
            throw new ApiException(415, "unsupported_media_type", "send the image's bytes as the body, with "
                    + "Content-Type image/jpeg, image/png, image/webp or application/octet-stream");
        }
        if (length != null && length > maxBytes) {
            throw UploadBody.tooLarge(maxBytes);
        }
        if (media.busy()) {
            // Refused before storing the body; one that is on its way is read and dropped (see UploadBody).
            if (expect == null || !expect.toLowerCase(java.util.Locale.ROOT).contains("100-continue")) {
                UploadBody.discard(body, maxBytes);
            }
            return busy("too many images are being processed; try again");
        }
        java.nio.file.Path file = UploadBody.receive(body, maxBytes, tempDirectory);
        try {
            CommunityMedia.Item item = media.upload(target, communityId, caller, targetId, file);
            return Response.status(201).entity(urls.view(item)).build();
        } catch (ImageRefusedException e) {
            if (e.status() == 503) {
                return busy(e.getMessage());
            }
            throw new ApiException(e.status(), e.code(), e.getMessage());
        } catch (IOException e) {
            LOG.error("Storing an image for community {} failed", communityId, e);
            throw new ApiException(503, "storage_unavailable", "the image could not be stored; try again");
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("Could not delete the temporary upload {}", file, e);
            }
        }
    }

    /** The API's backpressure on uploads: 503 media_busy, and when to try again. */
    private static Response busy(String message) {
        return Response.status(503).header("Retry-After", "5").type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(503, "media_busy", message)).build();
    }

    /** A missing type is taken as application/octet-stream; parameters (charset...) are ignored. */
    static boolean acceptedType(String type) {
        if (type == null || type.isBlank()) {
            return true;
        }
        String bare = type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        return bare.equals("image/jpeg") || bare.equals("image/png") || bare.equals("image/webp")
                || bare.equals(MediaType.APPLICATION_OCTET_STREAM);
    }
}
