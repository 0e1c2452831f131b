package com.koomy.load;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ClosedInjectionStep;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.util.ArrayList;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.rampConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

/**
 * A scenario of the capacity analysis: a mix of roles (kinds of people), each a share of the
 * simultaneous users, stepped up through load.levels (closed model: Gatling keeps exactly that many
 * users alive), optionally with an open stream of Stripe webhooks proportional to the users. The run
 * stops after the first step whose p95 or error rate crosses the limit (Recorder), or after the last.
 */
public abstract class CapacitySimulation extends Simulation {

    /** A kind of person: its share of the users, its identity (taken once), its journey (repeated). */
    protected record Role(String name, double share, ChainBuilder identity, ChainBuilder journey) {
    }

    protected final LoadConfig config = LoadConfig.fromSystemProperties();
    protected final Data data = Data.load(config.data());
    protected final Journeys journeys = new Journeys(config, data);

    private final List<int[]> usersPerStep = new ArrayList<>();
    private final List<Double> streamRates = new ArrayList<>();

    private final HttpProtocolBuilder protocol = http.baseUrl(config.baseUrl())
            .acceptHeader("application/json")
            .userAgentHeader("koomy-load (Gatling)")
            // Every page view reaches the server: no browser cache (pessimistic), no conditional GETs.
            .disableCaching()
            // Gatling's warm-up calls a public website; this run talks to 127.0.0.1 only.
            .disableWarmUp()
            // One pool for all users, as behind a reverse proxy: thousands of idle keep-alive sockets
            // would measure the generator's file descriptors, not the API.
            .shareConnections();

    /** Sets the run up: ROLES share the users of each step; STREAM (nullable) is sent STREAM_PER_USER times a second per user. */
    protected void run(List<Role> roles, ChainBuilder stream, double streamPerUser) {
        List<PopulationBuilder> populations = new ArrayList<>();
        for (Integer level : config.levels()) {
            int[] split = new int[roles.size()];
            for (int r = 0; r < roles.size(); r++) {
                split[r] = Math.max(1, (int) Math.round(roles.get(r).share() * level));
            }
            usersPerStep.add(split);
            streamRates.add(stream == null ? 0.0 : Math.max(1.0, Math.round(level * streamPerUser)));
        }
        for (int r = 0; r < roles.size(); r++) {
            Role role = roles.get(r);
            List<ClosedInjectionStep> steps = new ArrayList<>();
            int previous = 0;
            for (int[] split : usersPerStep) {
                int users = split[r];
                steps.add(users == previous ? constantConcurrentUsers(users).during(config.ramp())
                        : rampConcurrentUsers(previous).to(users).during(config.ramp()));
                steps.add(constantConcurrentUsers(users).during(config.level()));
                previous = users;
            }
            populations.add(scenario(role.name()).exec(role.identity())
                    .forever().on(role.journey())
                    .injectClosed(steps.toArray(ClosedInjectionStep[]::new)));
        }
        if (stream != null) {
            List<OpenInjectionStep> steps = new ArrayList<>();
            double previous = 1;
            for (double rate : streamRates) {
                steps.add(rampUsersPerSec(previous).to(rate).during(config.ramp()));
                steps.add(constantUsersPerSec(rate).during(config.level()));
                previous = rate;
            }
            populations.add(scenario("stripe webhooks").exec(stream)
                    .injectOpen(steps.toArray(OpenInjectionStep[]::new)));
        }
        setUp(populations).protocols(protocol).maxDuration(config.total().plusSeconds(1));
    }

    @Override
    public void before() {
        Recorder.begin(config, usersPerStep, streamRates);
    }

    @Override
    public void after() {
        Recorder.finish();
    }
}
