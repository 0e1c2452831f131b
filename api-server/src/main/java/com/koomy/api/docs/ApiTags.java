package com.koomy.api.docs;

import io.swagger.v3.oas.models.tags.Tag;

import java.util.List;

/**
 * The document's top-level tags: each feature's name (the resources' {@code @Tag}) with what it covers, so
 * that generated clients and documentation viewers can describe each API class. OpenApiContractTest fails on an
 * operation whose tag is not listed here.
 */
final class ApiTags {

    private ApiTags() {
    }

    static List<Tag> all() {
        return List.of(
                tag("accounts", "Sign-up, sign-in, sessions, password and email changes, my account, its export and deletion"),
                tag("communities", "Communities: creation, settings, public pages, discovery, archive, transfer and deletion"),
                tag("memberships", "Members, invitations, membership requests, member fields, the directory, its export and "
                        + "membership cards"),
                tag("payments", "Dues tiers, dues checkouts (Stripe Connect), manual payments and the treasurer's views"),
                tag("billing", "The community's Koomy plan and its subscription"),
                tag("events", "Events, drafts, registrations with their QR tickets, and attendees"),
                tag("check-in", "Door staff and the scanning of tickets at the door"),
                tag("news", "News posts and their AI drafts"),
                tag("newsletters", "Newsletters to members, their sending and unsubscribing"),
                tag("media", "Images: logos, covers, avatars and news images, uploaded and served"),
                tag("webhooks", "Events sent to Koomy by its providers (Stripe, SendGrid), checked by their signatures"),
                tag("operations", "Health and readiness of the service"),
                tag("ops", "Platform operators' routes (the operator token): alerts, outbox, statistics, Stripe events, "
                        + "account deletions"));
    }

    private static Tag tag(String name, String description) {
        return new Tag().name(name).description(description);
    }
}
