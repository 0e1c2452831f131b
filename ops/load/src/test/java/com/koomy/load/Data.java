package com.koomy.load;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The seed that ops/load/capacity wrote into load.data before the run (ops/load/seed.sql and the
 * session tokens it put into Redis): ids to browse, members' session tokens, the home community's
 * dues tier and events, the QR codes signed by ops/bench/SignTickets.java, the webhook secret.
 * Everything is read once, before injection starts; the journeys pick from memory.
 */
public final class Data {

    /** A signed-in person: the session token and the account behind it (and its community, for readers). */
    public record Member(String token, String accountId, String communityId) {
    }

    /** One scan of a signed plan: the request body, with "@@" where the scan id's run prefix goes. */
    public record Scan(String body) {
    }

    public final List<String> communities;
    public final List<String[]> publicEvents;
    public final Map<String, List<String>> newsByCommunity;
    public final List<Member> members;
    public final List<Member> admins;
    public final List<Member> payers;
    public final List<Member> registrants;
    public final String home;
    public final String tier;
    public final String stripeAccount;
    public final String peakEvent;
    public final String doorEvent;
    public final List<String> registrationEvents;
    public final List<Scan> peakScans;
    public final List<Scan> doorScans;
    public final String webhookSecret;

    private final AtomicLong payerCursor = new AtomicLong();
    private final AtomicLong registrantCursor = new AtomicLong();
    private final AtomicLong peakScanCursor = new AtomicLong();
    private final AtomicLong doorScanCursor = new AtomicLong();

    private Data(Path dir) throws IOException {
        communities = lines(dir.resolve("communities.tsv")).stream().map(l -> l[0]).toList();
        publicEvents = lines(dir.resolve("events.tsv"));
        newsByCommunity = new HashMap<>();
        for (String[] l : lines(dir.resolve("news.tsv"))) {
            newsByCommunity.computeIfAbsent(l[0], k -> new ArrayList<>()).add(l[1]);
        }
        members = members(dir.resolve("members.tsv"));
        admins = members(dir.resolve("admins.tsv"));
        payers = members(dir.resolve("payers.tsv"));
        registrants = members(dir.resolve("registrants.tsv"));
        Properties home = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("home.properties"), StandardCharsets.UTF_8)) {
            home.load(in);
        }
        this.home = home.getProperty("community");
        tier = home.getProperty("tier");
        stripeAccount = home.getProperty("stripeAccount");
        peakEvent = home.getProperty("peakEvent");
        doorEvent = home.getProperty("doorEvent");
        registrationEvents = Arrays.asList(home.getProperty("registrationEvents").split(","));
        peakScans = scans(dir.resolve("scans-peak/req.1"));
        doorScans = scans(dir.resolve("scans-door/req.1"));
        webhookSecret = Files.readString(dir.resolve("webhook-secret")).strip();
        if (communities.isEmpty() || members.isEmpty() || admins.isEmpty() || payers.isEmpty() || peakScans.isEmpty()) {
            throw new IllegalStateException("the seed in " + dir + " is incomplete");
        }
    }

    private static Data instance;

    public static synchronized Data load(Path dir) {
        if (instance == null) {
            try {
                instance = new Data(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    public static <T> T any(List<T> list) {
        return list.get(ThreadLocalRandom.current().nextInt(list.size()));
    }

    /** The next payer, round robin: a member may pay a second time on a second pass (each payment is its own). */
    public Member nextPayer() {
        return payers.get((int) (payerCursor.getAndIncrement() % payers.size()));
    }

    /**
     * The next registration: members in turn, the event shifted on each pass over them and for each run
     * (OFFSET), so no member asks twice for the same event (which the API would rightly refuse).
     */
    public String[] nextRegistration(int offset) {
        long n = registrantCursor.getAndIncrement() + offset * 1000L;
        Member m = registrants.get((int) (n % registrants.size()));
        String event = registrationEvents.get((int) ((n % registrants.size() + n / registrants.size() + offset) % registrationEvents.size()));
        return new String[] {m.token(), event};
    }

    /** The next scan of a plan, with a scan id unique to this run and pass (a rescan on a later pass is a new scan). */
    public String nextScan(boolean peak, String runId) {
        List<Scan> plan = peak ? peakScans : doorScans;
        long n = (peak ? peakScanCursor : doorScanCursor).getAndIncrement();
        return plan.get((int) (n % plan.size())).body().replace("\"@@", "\"" + runId + "p" + (n / plan.size()) + "-");
    }

    private static List<Member> members(Path file) throws IOException {
        return lines(file).stream().map(l -> new Member(l[0], l[1], l.length > 2 ? l[2] : null)).toList();
    }

    private static List<Scan> scans(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return lines(file).stream().map(l -> new Scan(l[1])).toList();
    }

    private static List<String[]> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
                .map(l -> l.split("\t")).toList();
    }
}
