package com.koomy.api.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** What Maven wrote into {@code koomy-build.properties} when it built this module (resource filtering). */
public final class BuildInfo {

    private BuildInfo() {
    }

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}; fails loudly if the build did not filter the file. */
    public static String version() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("/koomy-build.properties")) {
            if (in == null) {
                throw new IllegalStateException("koomy-build.properties missing from the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version");
            if (version == null || version.isBlank() || version.contains("${")) {
                throw new IllegalStateException("koomy-build.properties was not filtered by the build: " + version);
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
