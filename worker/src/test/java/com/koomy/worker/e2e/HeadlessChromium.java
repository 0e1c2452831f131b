package com.koomy.worker.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's headless chromium for {@link DashboardBrowserIT}: started with names resolving to nothing but
 * 127.0.0.1 and a net log, its numbered screenshots, and the check that it sent nothing off the machine.
 * Everything it writes goes to target/browser-artifacts.
 */
final class HeadlessChromium {

    static final Path ARTIFACTS = KoomyProcess.MODULE.resolve("target/browser-artifacts");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();

    private int shot;

    /** Debian's chromium through Debian's chromedriver, both named: Selenium Manager never runs. */
    WebDriver start() throws IOException {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(ARTIFACTS.resolve("chromedriver.log").toFile())
                .build();
        Path profile = Files.createTempDirectory("koomy-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
                "--disable-client-side-phishing-detection", "--disable-domain-reliability", "--no-pings",
                "--disable-features=OptimizationHints,OptimizationGuideModelDownloading,MediaRouter,DnsOverHttps",
                // Names resolve to nothing but 127.0.0.1: the browser cannot reach out even if it tries
                // (chromium's own services, the dashboard's version check at api.jobrunr.io).
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--window-size=1400,1000", "--user-data-dir=" + profile,
                // Every request the browser makes, to show it went nowhere but the dashboard.
                "--log-net-log=" + ARTIFACTS.resolve("netlog.json"));
        return new ChromeDriver(service, options);
    }

    static void resetArtifacts() throws IOException {
        if (Files.isDirectory(ARTIFACTS)) {
            try (Stream<Path> files = Files.list(ARTIFACTS)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(ARTIFACTS);
    }

    void screenshot(WebDriver browser, String name) throws IOException {
        byte[] png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(ARTIFACTS.resolve(String.format("%02d-%s.png", ++shot, name)), png);
    }

    /**
     * Chromium's net log records every socket it opened. Its own services and the dashboard's
     * version check (api.jobrunr.io) do try, but with names resolving to nothing no request may
     * leave the machine: every TCP connection goes to 127.0.0.1 and no UDP datagram is sent (no DNS;
     * chromium's IPv6 reachability probe connects a UDP socket but sends nothing).
     */
    static void assertOnlyLocalTraffic() throws IOException {
        Path netlog = ARTIFACTS.resolve("netlog.json");
        assertThat(netlog).exists();
        JsonNode log;
        try (com.fasterxml.jackson.core.JsonParser parser = JSON.getFactory().createParser(netlog.toFile())) {
            log = JSON.readTree(parser); // the first value: chromium may append a few bytes after it
        }
        Map<Integer, String> types = new HashMap<>();
        log.path("constants").path("logEventTypes").fields()
                .forEachRemaining(type -> types.put(type.getValue().asInt(), type.getKey()));
        int local = 0;
        List<String> remote = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (JsonNode event : log.path("events")) {
            String type = types.getOrDefault(event.path("type").asInt(), "?");
            JsonNode params = event.path("params");
            switch (type) {
                case "TCP_CONNECT_ATTEMPT", "TCP_CONNECT" -> {
                    List<String> addresses = new ArrayList<>();
                    params.path("address_list").forEach(a -> addresses.add(a.asText()));
                    if (params.has("address")) {
                        addresses.add(params.path("address").asText());
                    }
                    for (String address : addresses) {
                        if (address.startsWith("127.0.0.1:")) {
                            local++;
                        } else {
                            remote.add(type + " " + address);
                        }
                    }
                }
                case "UDP_BYTES_SENT" -> remote.add(type + " " + params);
                case "URL_REQUEST_START_JOB" -> {
                    String url = params.path("url").asText();
                    if (!url.isEmpty() && !url.startsWith("http://127.0.0.1:")) {
                        refused.add(url.replaceAll("\\?.*", ""));
                    }
                }
                default -> { }
            }
        }
        assertThat(local).as("connections to the dashboard in the net log").isPositive();
        assertThat(remote).as("traffic chromium sent off the machine").isEmpty();
        System.out.printf("chromium: %d local connections, none elsewhere; requests refused by the resolver: %s%n",
                local, new java.util.TreeSet<>(refused));
    }
}
