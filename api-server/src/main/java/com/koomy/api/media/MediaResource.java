package com.koomy.api.media;

import com.koomy.errors.ApiError;
import com.koomy.errors.ApiException;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.AccountPrincipal;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.media.MediaUrls.MediaView;
import com.koomy.media.CommunityMedia;
import com.koomy.media.MediaTarget;
import com.koomy.media.image.ImageRefusedException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
import java.util.List;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * Image uploads (issue 8): the image's bytes are the request body (Content-Type image/jpeg, image/png,
 * image/webp or application/octet-stream; the type is read from the bytes whatever is declared).
 * Each upload answers 201 with the stored original's immutable URL; the worker adds the medium and
 * thumbnail sizes within seconds ({@code status} becomes {@code ready}).
 */
@Path("/api")
@Tag(name = "media")
@Produces(MediaType.APPLICATION_JSON)
public class MediaResource {

    private static final Logger LOG = LoggerFactory.getLogger(MediaResource.class);
    private static final String UPLOAD_ERRORS = " 401 signed out; 404 not a member (or no such target); 413 over the "
            + "size limit; 415 not JPEG, PNG or WebP (by its bytes) or a wrong Content-Type; 422 invalid_image (corrupt, "
            + "truncated) or image_too_large (too many pixels); 503 storage unavailable or too busy.";

    private final CommunityMedia media;
    private final MediaUrls urls;
    private final long maxBytes;
    private final java.nio.file.Path tempDirectory;

    public MediaResource(CommunityMedia media, MediaUrls urls, long maxBytes, java.nio.file.Path tempDirectory) {
        this.media = media;
        this.urls = urls;
        this.maxBytes = maxBytes;
        this.tempDirectory = tempDirectory;
    }

    /** The community's current logo and cover; null when there is none. */
    public record CommunityImages(MediaView logo, MediaView cover) {
    }

    public record MediaList(List<MediaView> items) {
    }

    @Access(Access.Who.MANAGER)
    @PUT
    @Path("/communities/{communityId}/logo")
    @Consumes(MediaType.WILDCARD)
    @Timed
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
    @Timed
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
    @Timed
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
    @Timed
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
    @Timed
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

    @Access(Access.Who.ANYONE)
    @GET
    @Path("/communities/{communityId}/events/{eventId}/images")
    @Timed
    @Refusal(status = 404, codes = {"event_not_found"})
    @Operation(operationId = "listEventImages", summary = "An event's images", description = "Those who may see the event: anyone for a public event "
            + "of a public community, active members otherwise. 200 {items} in upload order. 404 not a member or "
            + "event_not_found.")
    public MediaList eventImages(@PathParam("communityId") UUID communityId, @PathParam("eventId") UUID eventId,
                                 @Context SecurityContext context) {
        return new MediaList(media.current(MediaTarget.EVENT_IMAGE, communityId, callerOrNull(context), eventId)
                .stream().map(urls::view).toList());
    }

    @Access(Access.Who.MANAGER)
    @DELETE
    @Path("/communities/{communityId}/events/{eventId}/images/{mediaId}")
    @Timed
    @Refusal(status = 404, codes = {"media_not_found"})
    @Operation(operationId = "deleteEventImage", summary = "Remove an image from an event", description = "Owners and admins. 204; 403 other "
            + "members; 404 media_not_found.")
    public Response deleteEventImage(@PathParam("communityId") UUID communityId, @PathParam("eventId") UUID eventId,
                                     @PathParam("mediaId") UUID mediaId, @Context SecurityContext context) {
        media.release(MediaTarget.EVENT_IMAGE, communityId, CurrentAccount.require(context).accountId(), eventId, mediaId);
        return Response.noContent().build();
    }

    @Access(Access.Who.ANYONE)
    @GET
    @Path("/communities/{communityId}/images")
    @Timed
    @Refusal(status = 404, codes = {"community_not_found"})
    @Operation(operationId = "getCommunityImages", summary = "The community's logo and cover", description = "Anyone for a public community, active "
            + "members for a private one. 200 {logo, cover} (null when none). 404 community_not_found.")
    public CommunityImages communityImages(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        UUID caller = callerOrNull(context);
        return new CommunityImages(
                media.currentSingle(MediaTarget.COMMUNITY_LOGO, communityId, caller, communityId).map(urls::view).orElse(null),
                media.currentSingle(MediaTarget.COMMUNITY_COVER, communityId, caller, communityId).map(urls::view).orElse(null));
    }

    @Access(Access.Who.MEMBER)
    @GET
    @Path("/communities/{communityId}/members/{accountId}/avatar")
    @Timed
    @Refusal(status = 404, codes = {"media_not_found"})
    @Operation(operationId = "getMemberAvatar", summary = "A member's avatar in this community", description = "Active members. 200 the image; 404 "
            + "not a member, or media_not_found when the member has none.")
    public MediaView avatar(@PathParam("communityId") UUID communityId, @PathParam("accountId") UUID accountId,
                            @Context SecurityContext context) {
        return media.currentSingle(MediaTarget.MEMBER_AVATAR, communityId, CurrentAccount.require(context).accountId(),
                accountId).map(urls::view).orElseThrow(CommunityMedia::mediaNotFound);
    }

    @Access(Access.Who.MEMBER)
    @GET
    @Path("/communities/{communityId}/news/{postId}/images")
    @Timed
    @Refusal(status = 404, codes = {"news_not_found"})
    @Operation(operationId = "listNewsImages", summary = "A news post's images", description = "Those who may read the post. 200 {items} in upload "
            + "order. 404 not a member or news_not_found.")
    public MediaList newsImages(@PathParam("communityId") UUID communityId, @PathParam("postId") UUID postId,
                                @Context SecurityContext context) {
        return new MediaList(media.current(MediaTarget.NEWS_IMAGE, communityId, CurrentAccount.require(context).accountId(),
                postId).stream().map(urls::view).toList());
    }

    @Access(Access.Who.ANYONE)
    @GET
    @Path("/communities/{communityId}/media/{mediaId}")
    @Timed
    @Refusal(status = 404, codes = {"media_not_found"})
    @Operation(operationId = "getMedia", summary = "One image", description = "Whoever may see what it illustrates; released images too, with "
            + "releasedAt. Poll it for status ready (medium and thumb sizes). 404 not a member or media_not_found.")
    public MediaView get(@PathParam("communityId") UUID communityId, @PathParam("mediaId") UUID mediaId,
                         @Context SecurityContext context) {
        return urls.view(media.get(communityId, callerOrNull(context), mediaId));
    }

    @Access(Access.Who.MANAGER)
    @DELETE
    @Path("/communities/{communityId}/logo")
    @Timed
    @Refusal(status = 404, codes = {"media_not_found"})
    @Operation(operationId = "deleteLogo", summary = "Remove the community's logo", description = "Owners and admins. 204; 404 media_not_found "
            + "when there is none. The blobs stay served for the grace period.")
    public Response deleteLogo(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        media.release(MediaTarget.COMMUNITY_LOGO, communityId, CurrentAccount.require(context).accountId(), communityId, null);
        return Response.noContent().build();
    }

    @Access(Access.Who.MANAGER)
    @DELETE
    @Path("/communities/{communityId}/cover")
    @Timed
    @Refusal(status = 404, codes = {"media_not_found"})
    @Operation(operationId = "deleteCover", summary = "Remove the community's cover image", description = "Owners and admins. 204; 404 media_not_found.")
    public Response deleteCover(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        media.release(MediaTarget.COMMUNITY_COVER, communityId, CurrentAccount.require(context).accountId(), communityId, null);
        return Response.noContent().build();
    }

    @Access(Access.Who.MEMBER)
    @DELETE
    @Path("/communities/{communityId}/members/me/avatar")
    @Timed
    @Refusal(status = 404, codes = {"media_not_found"})
    @Operation(operationId = "deleteMyAvatar", summary = "Remove my avatar in this community", description = "204; 404 not a member or media_not_found.")
    public Response deleteMyAvatar(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        media.release(MediaTarget.MEMBER_AVATAR, communityId, caller, caller, null);
        return Response.noContent().build();
    }

    @Access(Access.Who.MANAGER)
    @DELETE
    @Path("/communities/{communityId}/members/{accountId}/avatar")
    @Timed
    @Refusal(status = 404, codes = {"media_not_found"})
    @Operation(operationId = "deleteMemberAvatar", summary = "Remove a member's avatar", description = "Owners and admins (moderation), or the member "
            + "themself. 204; 403 other members; 404 not a member or media_not_found.")
    public Response deleteAvatar(@PathParam("communityId") UUID communityId, @PathParam("accountId") UUID accountId,
                                 @Context SecurityContext context) {
        media.release(MediaTarget.MEMBER_AVATAR, communityId, CurrentAccount.require(context).accountId(), accountId, null);
        return Response.noContent().build();
    }

    @Access(Access.Who.MANAGER)
    @DELETE
    @Path("/communities/{communityId}/news/{postId}/images/{mediaId}")
    @Timed
    @Refusal(status = 404, codes = {"media_not_found"})
    @Refusal(status = 409, codes = {"too_many_images"})
    @Refusal(status = 503, codes = {"media_busy", "storage_unavailable"})
    @Operation(operationId = "deleteNewsImage", summary = "Remove an image from a news post", description = "Owners and admins. 204; 403 other "
            + "members; 404 media_not_found.")
    public Response deleteNewsImage(@PathParam("communityId") UUID communityId, @PathParam("postId") UUID postId,
                                    @PathParam("mediaId") UUID mediaId, @Context SecurityContext context) {
        media.release(MediaTarget.NEWS_IMAGE, communityId, CurrentAccount.require(context).accountId(), postId, mediaId);
        return Response.noContent().build();
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

    private static UUID callerOrNull(SecurityContext context) {
        return context != null && context.getUserPrincipal() instanceof AccountPrincipal p ? p.accountId() : null;
    }
}
