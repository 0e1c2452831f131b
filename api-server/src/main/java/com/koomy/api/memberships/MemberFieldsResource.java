package com.koomy.api.memberships;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.koomy.api.http.TextOnly;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.auth.Access;
import com.koomy.memberships.MemberField;
import com.koomy.memberships.MemberFieldRules;
import com.koomy.memberships.MemberFields;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Member profile fields (issue 21): the community's definitions, and a member's own values. */
@Path("/api")
@Tag(name = "memberships")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class MemberFieldsResource {

    private final MemberFields fields;

    public MemberFieldsResource(MemberFields fields) {
        this.fields = fields;
    }

    /** One definition as sent; checked as a whole list by {@link MemberFieldRules#definitions}. */
    /** key, label and type are required; their form, and the rules across the list, are MemberFieldRules', named all at once. */
    public record FieldDefinition(@NotNull String key, @NotNull String label, @NotNull String type,
                                  @JsonDeserialize(contentUsing = TextOnly.class) List<String> choices, Boolean required,
                                  String visibility) {
    }

    public record MemberFieldsRequest(@NotNull @Size(max = MemberFieldRules.MAX_FIELDS) List<@Valid @NotNull FieldDefinition> fields) {
    }

    public record MemberFieldsResponse(List<MemberField> fields) {
    }

    public record MyFieldsRequest(@JsonDeserialize(contentUsing = TextOnly.class) Map<String, String> fields) {
    }

    @Access(Access.Who.ACCOUNT)
    @GET
    @Path("/communities/{communityId}/member-fields")
    @Timed
    @Operation(operationId = "listMemberFields", summary = "The community's member fields", description = "200 {fields: [{key, label, "
            + "type (text, choice, date, phone), choices, required, visibility (admins, members)}]} in order: to members, and to anyone "
            + "signed in for a public community (to fill them when joining). 401 signed out; 404 unknown, or private and not a member.")
    public MemberFieldsResponse list(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        return new MemberFieldsResponse(fields.list(communityId, CurrentAccount.require(context).accountId()));
    }

    @Access(Access.Who.MANAGER)
    @PUT
    @Path("/communities/{communityId}/member-fields")
    @Timed
    @Operation(operationId = "replaceMemberFields", summary = "Replace the community's member fields", description = "Owners and "
            + "admins. 200 the fields as stored. The list replaces the previous one, in its order: at most 30 fields; key 1-40 of a-z, "
            + "0-9 and _ (starting with a letter), unique; label 1-100 characters; choices (1-50, each 1-100 characters, no repeat) only "
            + "for type choice; required defaults to false, visibility to admins. Members keep their values of the keys kept; the values "
            + "of removed keys are deleted; a kept key may change its type only while no member has a value for it. 400 validation_failed "
            + "naming fields[i].<part>; 401 signed out; 403 not an owner or admin; 404 not a member.")
    public MemberFieldsResponse replace(@PathParam("communityId") UUID communityId, @Valid @NotNull MemberFieldsRequest r,
                                        @Context SecurityContext context) {
        List<MemberFieldRules.Draft> drafts = r.fields() == null ? null : r.fields().stream()
                .map(d -> d == null ? null : new MemberFieldRules.Draft(d.key(), d.label(), d.type(), d.choices(),
                        d.required(), d.visibility()))
                .toList();
        return new MemberFieldsResponse(fields.replace(communityId, CurrentAccount.require(context).accountId(), drafts));
    }

    @Access(Access.Who.MEMBER)
    @GET
    @Path("/communities/{communityId}/members/me")
    @Timed
    @Operation(operationId = "getMyMembership", summary = "My membership and my member field values", description = "A member "
            + "(active or pending). 200 {communityId, accountId, role, status, fields, missingFields}: fields are all of the "
            + "member's own values (visibility says who else sees them); missingFields the keys of the required fields without "
            + "a value, in the community's order (a field made required after the member joined: fill it with PATCH). "
            + "401 signed out; 404 not a member.")
    public MemberFields.MyFields mine(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        return fields.mine(communityId, CurrentAccount.require(context).accountId());
    }

    @Access(Access.Who.MEMBER)
    @PATCH
    @Path("/communities/{communityId}/members/me")
    @Timed
    @Operation(operationId = "updateMyMemberFields", summary = "Fill or change my member field values", description = "A member "
            + "(active or pending). 200 {communityId, accountId, role, status, fields, missingFields} as GET. Only the keys given change; \"\" clears a "
            + "value (values are text; null is refused). text: at most 500 characters; choice: one of the choices; date: 2026-05-01; phone: international form (+33 6 12 34 "
            + "56 78, kept as +33612345678). 400 validation_failed naming fields.<key> (unknown key, a wrong value, a required field "
            + "cleared); 401 signed out; 404 not a member.")
    public MemberFields.MyFields updateMine(@PathParam("communityId") UUID communityId, @Valid @NotNull MyFieldsRequest r,
                                            @Context SecurityContext context) {
        return fields.writeMine(communityId, CurrentAccount.require(context).accountId(),
                r.fields() == null ? Map.of() : r.fields());
    }
}
