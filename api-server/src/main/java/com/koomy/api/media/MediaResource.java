package com.koomy.api.media;

import jakarta.annotation.Nullable;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.AccountPrincipal;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.media.MediaUrls.MediaView;
import com.koomy.media.CommunityMedia;
import com.koomy.media.MediaTarget;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.util.List;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * Images (issue 8) as their readers see them, and their removal: a community's logo and cover, members'
 * avatars, the images of news posts and events. Uploads are {@link MediaUploadResource}'s.
 */
@Path("/api")
@Tag(name = "media")
@Produces(MediaType.APPLICATION_JSON)
public class MediaResource {

    private final CommunityMedia media;
    private final MediaUrls urls;

    public MediaResource(CommunityMedia media, MediaUrls urls) {
        this.media = media;
        this.urls = urls;
    }

    /** The community's current logo and cover; null when there is none. */
    public record CommunityImages(@Nullable MediaView logo, @Nullable MediaView cover) {
    }

    public record MediaList(List<MediaView> items) {
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
    @Operation(operationId = "deleteNewsImage", summary = "Remove an image from a news post", description = "Owners and admins. 204; 403 other "
            + "members; 404 media_not_found.")
    public Response deleteNewsImage(@PathParam("communityId") UUID communityId, @PathParam("postId") UUID postId,
                                    @PathParam("mediaId") UUID mediaId, @Context SecurityContext context) {
        media.release(MediaTarget.NEWS_IMAGE, communityId, CurrentAccount.require(context).accountId(), postId, mediaId);
        return Response.noContent().build();
    }

    private static UUID callerOrNull(SecurityContext context) {
        return context != null && context.getUserPrincipal() instanceof AccountPrincipal p ? p.accountId() : null;
    }
}
