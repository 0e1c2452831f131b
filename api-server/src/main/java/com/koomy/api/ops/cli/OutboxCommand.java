package com.koomy.api.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiConfiguration;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code outbox [--status S] [--limit N] [--json] CONFIG}: the last emails as operators see them
 * ({@code GET /api/ops/outbox}), one readable block each: when, status, template, recipients, subject,
 * provider, error and the headers sent (List-Unsubscribe...), the subject as the first recipient got it and,
 * for a batch, the values substituted in their copy. {@code --json} prints the whole answer, rendered text
 * and HTML included.
 */
public class OutboxCommand extends OpsApiCommand {

    public OutboxCommand() {
        super("outbox", "The last emails (GET /api/ops/outbox), summarised; --json for everything");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("--status").help("only emails in this status (queued, sending, sent, failed...)");
        subparser.addArgument("--limit").type(Integer.class).setDefault(10).help("how many, newest first (default 10)");
        subparser.addArgument("--json").action(Arguments.storeTrue()).help("print the API's whole answer");
        super.configure(subparser);
    }

    @Override
    protected void run(Bootstrap<ApiConfiguration> bootstrap, Namespace namespace, ApiConfiguration config) throws Exception {
        String query = "?limit=" + namespace.getInt("limit")
                + (namespace.getString("status") == null ? ""
                : "&status=" + URLEncoder.encode(namespace.getString("status"), StandardCharsets.UTF_8));
        JsonNode page = send(opsRequest(baseUrl(namespace, config), config, "/api/ops/outbox" + query).GET().build());
        if (namespace.getBoolean("json")) {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(page));
        } else {
            print(page, System.out);
        }
    }

    static void print(JsonNode page, PrintStream out) {
        out.printf("%d email(s) in the outbox; the last %d, newest first (--json for their text and HTML):%n",
                page.path("total").asLong(), page.path("items").size());
        for (JsonNode email : page.path("items")) {
            out.println();
            out.printf("%s  %-8s %s (%s)  id %s%n", text(email, "createdAt"), text(email, "status"),
                    text(email, "template"), text(email, "locale"), text(email, "id"));
            StringBuilder to = new StringBuilder();
            for (JsonNode recipient : email.path("recipients")) {
                to.append(to.isEmpty() ? "" : ", ").append(recipient.path("email").asText());
            }
            int more = email.path("recipientCount").asInt() - email.path("recipients").size();
            out.printf("  to        %s%s%n", to, more > 0 ? " and " + more + " more" : "");
            JsonNode first = email.path("headers").path(0);
            out.printf("  subject   %s%n", first.path("headers").path("Subject").isTextual()
                    ? first.path("headers").path("Subject").asText() : text(email, "subject"));
            if (!first.path("substitutions").isEmpty()) {
                // A batch: its content has placeholders; each recipient's values are in --json (headers[].substitutions).
                StringBuilder values = new StringBuilder();
                first.path("substitutions").fields().forEachRemaining(v -> values.append(values.isEmpty() ? "" : ", ")
                        .append(v.getKey()).append(" = ").append(v.getValue().asText()));
                out.printf("  values    %s (in %s's copy; --json: every recipient's)%n", values,
                        first.path("email").asText());
            }
            out.printf("  sent by   %s%s, %d attempt(s)%s%n", text(email, "provider"),
                    email.path("providerMessageId").isTextual() ? " as " + email.path("providerMessageId").asText() : "",
                    email.path("attempts").asInt(),
                    email.path("sentAt").isTextual() ? ", at " + email.path("sentAt").asText() : "");
            if (email.path("lastError").isTextual()) {
                out.printf("  error     %s%n", email.path("lastError").asText());
            }
            if (!email.path("suppressed").isEmpty()) {
                out.printf("  suppressed %d address(es)%n", email.path("suppressed").size());
            }
            JsonNode headers = email.path("headers").path(0).path("headers");
            for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> header = it.next();
                if (!header.getKey().equals("To") && !header.getKey().equals("Subject")) {
                    out.printf("  %-9s %s%n", header.getKey(), header.getValue().asText());
                }
            }
        }
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isNull() || node.path(field).isMissingNode() ? "-" : node.path(field).asText();
    }
}
