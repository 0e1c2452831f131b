package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.koomy.media.storage.BlobStore;
import com.koomy.media.storage.LocalBlobStore;
import com.koomy.media.storage.S3BlobStore;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.lifecycle.setup.LifecycleEnvironment;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where media blobs are stored: {@code local} (a directory, the default) or {@code s3} (any
 * S3-compatible endpoint). Credentials come from the environment: KOOMY_MEDIA_S3_ACCESS_KEY_ID and
 * KOOMY_MEDIA_S3_SECRET_ACCESS_KEY, or, when those are empty, the AWS SDK's default chain
 * (AWS_ACCESS_KEY_ID..., a web identity, an instance profile).
 */
public class MediaStorageFactory {

    @NotNull @Pattern(regexp = "local|s3") private String type = "local";
    /** local: the directory (every API and worker must see the same one). */
    @NotEmpty private String localDir = "ops/run/media";

    /** s3: empty endpoint means AWS itself; set it for GCS (https://storage.googleapis.com), MinIO, R2, s3proxy. */
    private String s3Endpoint = "";
    @NotEmpty private String s3Region = "us-east-1";
    private String s3Bucket = "";
    /** Prepended to every object key ("media/"), so a bucket can be shared. */
    private String s3Prefix = "";
    private String s3AccessKeyId = "";
    private String s3SecretAccessKey = "";
    /** Path-style URLs (endpoint/bucket/key): what MinIO, s3proxy and most non-AWS endpoints expect. */
    private boolean s3PathStyle = true;
    @NotNull private Duration s3Timeout = Duration.seconds(30);

    public BlobStore build(LifecycleEnvironment lifecycle) {
        if ("local".equals(type)) {
            try {
                return new LocalBlobStore(Path.of(localDir));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the media directory " + localDir, e);
            }
        }
        if (s3Bucket.isBlank()) {
            throw new IllegalStateException("media.storage.type is s3 but KOOMY_MEDIA_S3_BUCKET is empty");
        }
        S3Client client = s3Client();
        lifecycle.manage(new Managed() {
            @Override
            public void stop() {
                client.close();
            }
        });
        return new S3BlobStore(client, s3Bucket, s3Prefix);
    }

    /**
     * The SDK computes and demands CRC checksums on every request by default since 2.30; S3-compatible
     * stores (GCS's XML API, older MinIO, s3proxy) reject or ignore them, so only where S3 requires one.
     */
    public S3Client s3Client() {
        java.time.Duration timeout = s3Timeout.toJavaDuration();
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout).build())
                .region(Region.of(s3Region))
                .forcePathStyle(s3PathStyle)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(credentials());
        if (!s3Endpoint.isBlank()) {
            builder.endpointOverride(URI.create(s3Endpoint));
        }
        return builder.build();
    }

    private AwsCredentialsProvider credentials() {
        if (!s3AccessKeyId.isBlank() && !s3SecretAccessKey.isBlank()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(s3AccessKeyId, s3SecretAccessKey));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @JsonProperty public String getType() { return type; }
    @JsonProperty public void setType(String type) { this.type = type; }
    @JsonProperty public String getLocalDir() { return localDir; }
    @JsonProperty public void setLocalDir(String localDir) { this.localDir = localDir; }
    @JsonProperty public String getS3Endpoint() { return s3Endpoint; }
    @JsonProperty public void setS3Endpoint(String v) { this.s3Endpoint = v == null ? "" : v; }
    @JsonProperty public String getS3Region() { return s3Region; }
    @JsonProperty public void setS3Region(String v) { this.s3Region = v; }
    @JsonProperty public String getS3Bucket() { return s3Bucket; }
    @JsonProperty public void setS3Bucket(String v) { this.s3Bucket = v == null ? "" : v; }
    @JsonProperty public String getS3Prefix() { return s3Prefix; }
    @JsonProperty public void setS3Prefix(String v) { this.s3Prefix = v == null ? "" : v; }
    @JsonProperty public void setS3AccessKeyId(String v) { this.s3AccessKeyId = v == null ? "" : v; }
    @JsonProperty public void setS3SecretAccessKey(String v) { this.s3SecretAccessKey = v == null ? "" : v; }
    @JsonProperty public boolean isS3PathStyle() { return s3PathStyle; }
    @JsonProperty public void setS3PathStyle(boolean v) { this.s3PathStyle = v; }
    @JsonProperty public Duration getS3Timeout() { return s3Timeout; }
    @JsonProperty public void setS3Timeout(Duration v) { this.s3Timeout = v; }

    @Override
    public String toString() {
        return "MediaStorageFactory{type=" + type + ", bucket=" + s3Bucket + ", keysSet=" + !s3AccessKeyId.isBlank() + "}";
    }
}
