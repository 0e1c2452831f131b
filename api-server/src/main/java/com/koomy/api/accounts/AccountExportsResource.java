package com.koomy.api.accounts;

import jakarta.annotation.Nullable;
import com.codahale.metrics.annotation.Timed;
import com.koomy.accounts.AccountExport;
import com.koomy.accounts.AccountExports;
import com.koomy.api.auth.Access;
import com.koomy.api.ratelimit.RateLimited;
import com.koomy.errors.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/** "Export my data" (issue 21): ask, poll for a one-time link, download once. */
@Path("/api")
@Tag(name = "accounts")
@Produces(MediaType.APPLICATION_JSON)
public class AccountExportsResource {

    private final AccountExports exports;

    public AccountExportsResource(AccountExports exports) {
        this.exports = exports;
    }

    /** {@code downloadUrl}: only when ready, valid once until {@code linkExpiresAt}. */
    public record ExportView(UUID id, String status, Instant requestedAt, @Nullable Instant readyAt, @Nullable Instant downloadedAt,
                             @Nullable String downloadUrl, @Nullable Instant linkExpiresAt) {
        static ExportView of(AccountExport e, String url, Instant linkExpiresAt) {
            return new ExportView(e.id(), e.status(), e.requestedAt(), e.readyAt(), e.downloadedAt(), url, linkExpiresAt);
        }
    }

    @Access(Access.Who.ACCOUNT)
    @POST
    @Path("/me/export")
    @Timed
    @RateLimited("accountExport")
    @Operation(operationId = "requestMyDataExport", summary = "Export my data (JSON archive, built by a worker)",
            description = "202 the export, pending: a worker builds the archive (profile, memberships, payments, tickets, emails "
                    + "sent to me, consents); poll GET /api/me/export/{exportId}. While one is pending, the same one is "
                    + "returned; a new one erases older archives. 429 too many requests.")
    @ApiResponse(responseCode = "202", description = "The export",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ExportView.class)))
    public Response request(@Context SecurityContext context) {
        AccountExport export = exports.request(CurrentAccount.require(context).accountId());
        return Response.accepted(ExportView.of(export, null, null)).build();
    }

    @Access(Access.Who.ACCOUNT)
    @GET
    @Path("/me/export/{exportId}")
    @Timed
    @Refusal(status = 404, codes = {"export_not_found"})
    @Operation(operationId = "getMyDataExport", summary = "Where my data export stands, with a one-time download link when ready",
            description = "200; when ready, downloadUrl works once for 10 minutes (each call mints a new link and the previous "
                    + "one stops working). 404 export_not_found (unknown, or another account's).")
    public ExportView status(@Context SecurityContext context, @PathParam("exportId") String exportId) {
        AccountExports.Status status = exports.status(CurrentAccount.require(context).accountId(), id(exportId));
        return ExportView.of(status.export(), status.downloadUrl(), status.linkExpiresAt());
    }

    @Access(Access.Who.ANYONE)
    @GET
    @Path("/account-exports/{exportId}/download")
    @Timed
    @RateLimited("accountExport")
    @Refusal(status = 404, codes = {"export_link_invalid", "export_not_found"})
    @Operation(operationId = "downloadMyDataExport", summary = "Download a data export once, with its link's token",
            description = "200 the archive (application/json, as an attachment, never cached); the archive is then erased. "
                    + "404 export_link_invalid for a wrong, expired or already used link (all alike).")
    @ApiResponse(responseCode = "200", description = "The archive",
            content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    public Response download(@PathParam("exportId") String exportId, @QueryParam("token") String token) {
        UUID id;
        try {
            id = UUID.fromString(exportId);
        } catch (IllegalArgumentException e) {
            throw invalidLink();
        }
        String archive = exports.download(id, token).orElseThrow(AccountExportsResource::invalidLink);
        return Response.ok(archive, MediaType.APPLICATION_JSON_TYPE)
                .header("Content-Disposition", "attachment; filename=\"koomy-export-" + id + ".json\"")
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer")
                .build();
    }

    private static ApiException invalidLink() {
        return new ApiException(404, "export_link_invalid", "token: this download link is wrong, expired or already used");
    }

    private static UUID id(String exportId) {
        try {
            return UUID.fromString(exportId);
        } catch (IllegalArgumentException e) {
            throw new ApiException(404, "export_not_found", "exportId: no such export of this account");
        }
    }
}
