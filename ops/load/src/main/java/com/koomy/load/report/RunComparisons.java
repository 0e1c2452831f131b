package com.koomy.load.report;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static com.koomy.load.report.Figures.*;

/** One instance against two, and the database checks after each run (lost webhooks, double admissions, duplicate emails). */
final class RunComparisons extends ReportSection {

    RunComparisons(ReportSection report) {
        super(report);
    }

    void scaling() {
        line("## One instance against two");
        line();
        line("The same scenarios against `ops/koomy up` (one API, one worker, clients straight to the API) and `ops/koomy scale "
                + "--api 2 --workers 2` (two of each on the same two cores, clients through HAProxy).");
        line();
        line("| scenario | one API + one worker | two APIs + two workers | factor |");
        line("| --- | --- | --- | --- |");
        if (browse.isPresent() && browse2.isPresent()) {
            compareRow("passive browsing: largest step within the limit", browse.get(), browse2.get(), s -> Run.num(s, "users"), " users");
            compareRow("passive browsing: throughput at that step", browse.get(), browse2.get(), s -> Run.num(s, "rps"), " req/s");
            compareAtSameStep("passive browsing: p95 at the same step", browse.get(), browse2.get());
        }
        if (webhooks.isPresent() && webhooks2.isPresent()) {
            compareRow("webhooks: accepted/s at the last step within the limit", webhooks.get(), webhooks2.get(), s -> Run.num(s, "rps"), "/s");
            double best1 = webhooks.get().steps().stream().mapToDouble(s -> Run.num(s, "rps")).max().orElse(0);
            double best2 = webhooks2.get().steps().stream().mapToDouble(s -> Run.num(s, "rps")).max().orElse(0);
            line("| webhooks: best accepted/s of any step | " + fmt(best1) + "/s | " + fmt(best2) + "/s | " + factor(best1, best2) + " |");
            line("| webhooks: all applied after the stream stopped | " + webhooks.get().verify("settled_after_run_s") + " s | "
                    + webhooks2.get().verify("settled_after_run_s") + " s | |");
        }
        if (browse2.isEmpty() && webhooks2.isEmpty()) {
            line("| (not run: `--no-scale`) | | | |");
        }
        line();
        double one = browse.flatMap(Run::lastWithin).map(s -> Run.num(s, "users")).orElse(0.0);
        double two = browse2.flatMap(Run::lastWithin).map(s -> Run.num(s, "users")).orElse(0.0);
        String outcome = one <= 0 || two <= 0 ? "" : two < one * 0.9 ? "In this run two instances did worse than one: besides "
                + "the machine's other load at those steps (the \"other\" CPU column), they pay HAProxy's hop, two JVMs compiling "
                + "and collecting on the same cores, and half-size database pools. "
                : two > one * 1.1 ? "In this run two instances did better than one, which on the same cores says more about the "
                + "machine's other load during the one-instance steps than about scaling. " : "In this run both did about the same. ";
        line("Two instances on the same two cores share the same CPU, so no gain is to be expected here. " + outcome
                + "What the comparison does show is that answers stay correct through the balancer with two APIs and two workers "
                + "(no webhook lost, every event applied once: see below); the gain comes with cores, i.e. with instances on "
                + "separate machines (`ops/deploy/`).");
        line();
    }

    void correctness() {
        line("## Nothing lost, nothing doubled");
        line();
        line("Checked in PostgreSQL after each run that sent webhooks, once the worker had settled everything (it waits up to "
                + "300 s): every event the API accepted (200) must be stored once and applied (`processed`, `ignored` or "
                + "`refused`); one admission per ticket whatever the number of gates; one payment and one paid-until extension per "
                + "paid Checkout; no two emails with the same template, recipients and content, and no newsletter recipient in "
                + "two batches.");
        line();
        line("| check | webhooks (1 instance) | normal activity | peak mix | webhooks (2 instances) |");
        line("| --- | --- | --- | --- | --- |");
        List<Optional<Run>> runs = List.of(webhooks, normal, peak, webhooks2);
        checkRow("webhooks sent (distinct ids) / accepted", runs, r -> r.verify("webhooks_sent") + " / " + r.verify("webhooks_accepted"));
        checkRow("stored / applied / failed / still queued", runs, r -> r.verify("webhooks_stored") + " / " + r.verify("webhooks_settled")
                + " / " + r.verify("webhooks_failed") + " / " + r.verify("webhooks_unsettled"));
        checkRow("**lost webhooks** (accepted, not applied)", runs, r -> "**" + lostWebhooks(r) + "**");
        checkRow("events processed more than once (attempts > 1)", runs, r -> r.verify("webhooks_applied_twice"));
        checkRow("Checkouts paid / payments / paid-until extensions", runs, r -> blank(r.verify("payments_paid"), "0") + " / "
                + r.verify("payments_rows") + " / " + r.verify("payments_extensions"));
        checkRow("`admitted` answers / tickets admitted / tickets admitted twice", runs, r -> r.verify("checkins_rows").isEmpty() ? "—"
                : blank(r.verify("scans_admitted_answers"), "0") + " / " + r.verify("checkins_rows") + " / " + r.verify("tickets_admitted_twice"));
        checkRow("`already_admitted` answers (second scans)", runs, r -> r.verify("checkins_rows").isEmpty() ? "—"
                : blank(r.verify("scans_already_admitted_answers"), "0"));
        checkRow("**double admissions**", runs, r -> r.verify("checkins_rows").isEmpty() ? "—" : "**" + doubleAdmissions(r) + "**");
        checkRow("emails queued / sent / not sent", runs, r -> r.verify("emails_created") + " / " + r.verify("emails_sent") + " / "
                + r.verify("emails_not_sent"));
        checkRow("newsletter: recipients / batches / recipients sent / took", runs, r -> r.verify("newsletter_recipients").isEmpty() ? "—"
                : r.verify("newsletter_recipients") + " / " + r.verify("newsletter_batches") + " / " + r.verify("newsletter_recipients_sent")
                + " / " + r.verify("newsletter_seconds") + " s (" + r.verify("newsletter_status") + ")");
        checkRow("**duplicate emails**", runs, r -> "**" + duplicateEmails(r) + "**");
        checkRow("emails retried (attempts > 1)", runs, r -> r.verify("emails_retried"));
        line();
        line("Sent but not counted as accepted: requests that got no answer within 10 s, in the step that crossed the limit "
                + "or while the run was stopping; the API had stored most of them (stored > accepted), and every stored event was "
                + "applied. Likewise \"Checkouts paid\" counts only payments whose webhook answer the generator saw, so the "
                + "database can hold more payments than that, never fewer. Lost webhooks are counted id by id (each event the "
                + "API answered 200 looked up in `stripe_events`, settled) when the run kept the ids, else from totals "
                + "(accepted minus applied).");
        line();
    }

    void compareRow(String what, Run one, Run two, Function<Map<String, String>, Double> value, String unit) {
        double a = one.lastWithin().map(value).orElse(0.0);
        double b = two.lastWithin().map(value).orElse(0.0);
        line("| " + what + " | " + fmt(a) + unit + ceiling(one) + " | " + fmt(b) + unit + ceiling(two) + " | " + factor(a, b) + " |");
    }

    /** p95 of both at the largest step that both passed (same users). */
    void compareAtSameStep(String what, Run one, Run two) {
        List<Map<String, String>> a = one.within();
        List<Map<String, String>> b = two.within();
        for (int i = Math.min(a.size(), b.size()) - 1; i >= 0; i--) {
            if (a.get(i).get("users").equals(b.get(i).get("users"))) {
                line("| " + what + " (" + users(a.get(i)) + " users, the largest step both passed) | " + ms(a.get(i), "p95_ms")
                        + " | " + ms(b.get(i), "p95_ms") + " | |");
                return;
            }
        }
    }

    void checkRow(String what, List<Optional<Run>> runs, Function<Run, String> value) {
        StringBuilder row = new StringBuilder("| " + what + " |");
        for (Optional<Run> r : runs) {
            row.append(' ').append(r.map(value).orElse("not run")).append(" |");
        }
        line(row.toString());
    }
}
