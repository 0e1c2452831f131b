package com.koomy.api.memberships;

import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.csv.Csv;
import com.koomy.memberships.MemberExport;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.StreamingOutput;

import java.util.UUID;

/** The member list as a CSV download, streamed: no page limit and no list in memory. */
@Path("/api")
@Tag(name = "memberships")
public class MemberExportResource {

    private final MemberExport export;

    public MemberExportResource(MemberExport export) {
        this.export = export;
    }

    @Access(Access.Who.MANAGER)
    @GET
    @Path("/communities/{communityId}/members/export.csv")
    @Produces({Csv.MEDIA_TYPE, "application/json"})
    @Timed
    @Operation(operationId = "exportMembers", summary = "Export the members as CSV", description = "Owners and admins: 200 text/csv, columns name, "
            + "email, role, status, dues_paid_until, joined_at, then one column per member field (headed by its label, in the "
            + "community's order), by name, streamed; every cell quoted per RFC 4180 and prefixed "
            + "with ' when it starts with = + - @, tab or CR. 401 signed out; 403 other members; 404 not a member.")
    public Response export(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        // Refusals must be answered before the 200 and its first bytes go out.
        export.requireAllowed(communityId, caller);
        StreamingOutput body = out -> export.write(communityId, out);
        return Response.ok(body, Csv.MEDIA_TYPE)
                .header("Content-Disposition", "attachment; filename=\"members-" + communityId + ".csv\"")
                .header("Cache-Control", "no-store")
                .build();
    }
}
