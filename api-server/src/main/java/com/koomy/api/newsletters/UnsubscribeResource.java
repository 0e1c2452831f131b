package com.koomy.api.newsletters;

import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.auth.Access;
import com.koomy.newsletters.NewsletterSubscriptions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * Unsubscribing from a community's newsletters: the email's link (RFC 8058 one-click POST, or a GET page
 * that asks to confirm, since mail scanners follow links), and the member's own switch.
 */
@Path("/api")
@Tag(name = "newsletters")
public class UnsubscribeResource {

    private final NewsletterSubscriptions subscriptions;

    public UnsubscribeResource(NewsletterSubscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    public record UnsubscribeResult(boolean unsubscribed, UUID communityId, String communityName) {
    }

    public record SubscriptionsRequest(@NotNull Boolean newsletters) {
    }

    public record Subscriptions(UUID communityId, boolean newsletters) {
    }

    // access: anonymous (the signed token of the email's link is the credential)
    @Access(Access.Who.ANYONE)
    @POST
    @Path("/unsubscribe")
    @Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.WILDCARD})
    @Produces(MediaType.APPLICATION_JSON)
    @Timed
    @Refusal(status = 400, codes = {"invalid_token"})
    @Operation(operationId = "unsubscribeOneClick",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = false,
                    description = "What mail clients send (List-Unsubscribe=One-Click); ignored",
                    content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/x-www-form-urlencoded",
                            schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object"))),
            summary = "Unsubscribe in one click (RFC 8058)", description = "Anyone holding the link of a newsletter "
            + "email (List-Unsubscribe): token in the query, any body (mail clients send "
            + "List-Unsubscribe=One-Click). 200 {unsubscribed, communityId, communityName}: that address gets no more "
            + "newsletters of that community from the next batch on (other email is unaffected); repeating it changes "
            + "nothing. 400 invalid_token.")
    public UnsubscribeResult unsubscribe(@QueryParam("token") String token) {
        var who = subscriptions.unsubscribe(token);
        return new UnsubscribeResult(true, who.communityId(), who.communityName());
    }

    // access: anonymous (the signed token of the email's link is the credential)
    @Access(Access.Who.ANYONE)
    @GET
    @Path("/unsubscribe")
    @Produces(MediaType.TEXT_HTML + "; charset=UTF-8")
    @Timed
    @Refusal(status = 400, codes = {"invalid_token"})
    @Operation(operationId = "getUnsubscribePage", summary = "The unsubscribe page", description = "Anyone holding the link: 200 text/html asking to "
            + "confirm, with a button that POSTs the same link; changes nothing by itself (link scanners open links). "
            + "400 invalid_token (JSON).")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "The confirmation page",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "text/html",
                    schema = @io.swagger.v3.oas.annotations.media.Schema(type = "string")))
    public Response page(@QueryParam("token") String token) {
        var who = subscriptions.check(token);
        String action = "/api/unsubscribe?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        String html = """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Unsubscribe</title></head>
                <body style="font-family:Arial,sans-serif;max-width:600px;margin:auto">
                <p>Stop receiving the newsletters of <strong>%s</strong> at %s?</p>
                <form method="post" action="%s">
                <input type="hidden" name="List-Unsubscribe" value="One-Click">
                <button type="submit">Unsubscribe</button>
                </form>
                </body></html>
                """.formatted(escape(who.communityName()), escape(who.email()), escape(action));
        return Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    // access: account (their own membership; 404 when not a member)
    @Access(Access.Who.ACCOUNT)
    @GET
    @Path("/me/communities/{communityId}/subscriptions")
    @Produces(MediaType.APPLICATION_JSON)
    @Timed
    @Operation(operationId = "getMySubscriptions", summary = "My subscriptions in a community", description = "Members (active or not): 200 {communityId, "
            + "newsletters}. 404 not a member.")
    public Subscriptions get(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        return new Subscriptions(communityId,
                subscriptions.subscribed(communityId, CurrentAccount.require(context).accountId()));
    }

    // access: account (their own membership; 404 when not a member)
    @Access(Access.Who.ACCOUNT)
    @PUT
    @Path("/me/communities/{communityId}/subscriptions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Timed
    @Operation(operationId = "updateMySubscriptions", summary = "Resubscribe (or unsubscribe) to a community's newsletters", description = "Members: body "
            + "{newsletters: true|false}. 200 {communityId, newsletters}. 400 validation_failed (newsletters missing or "
            + "not a boolean); 404 not a member.")
    public Subscriptions put(@PathParam("communityId") UUID communityId, @Valid @NotNull SubscriptionsRequest r,
                             @Context SecurityContext context) {
        return new Subscriptions(communityId, subscriptions.set(communityId, CurrentAccount.require(context).accountId(),
                r.newsletters()));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
