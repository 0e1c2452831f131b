package com.koomy.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.nio.file.Path;

/** Image uploads (issue 8): limits, sizes, storage and orphan collection. docs/architecture.md, "Media". */
public class MediaFactory {

    /** Bodies over this are refused with 413 while they stream in, never buffered whole. */
    @NotNull private DataSize maxUploadSize = DataSize.mebibytes(10);
    /**
     * Images with more pixels than this are refused from their header, before decoding (decompression
     * bombs: a 30,000 × 30,000 PNG of a few KiB would need 3.6 GB decoded).
     */
    @Min(1) private long maxPixels = 50_000_000L;
    /** Longest side of the stored original; larger images are scaled down when re-encoded. */
    @Min(64) @Max(8192) private int maxDimension = 2048;
    @Min(32) @Max(4096) private int mediumSize = 1024;
    @Min(16) @Max(1024) private int thumbSize = 256;
    @DecimalMin("0.3") @DecimalMax("1.0") private float jpegQuality = 0.85f;
    /** Images decoded at once in one process: bounds the memory of decoding (see ImagePipeline). */
    @Min(1) @Max(64) private int decodeConcurrency = 2;
    /** Uploads waiting for a decode slot (each holds a server thread); more are refused with 503. */
    @Min(0) @Max(1000) private int maxQueuedDecodes = 64;
    /** Per news post. */
    @Min(1) private int maxImagesPerTarget = 20;
    /** Base of the blob URLs the API gives out; empty: {publicUrl}/media (the API serves them). */
    private String publicBaseUrl = "";
    /** Uploads stream to temporary files here; empty: the JVM's temporary directory. */
    private String tempDir = "";
    /** Released images and unreferenced blobs are deleted only after this (URLs cached elsewhere). */
    @NotNull private Duration orphanGrace = Duration.days(30);
    /** How often the worker's recurring job collects orphans. */
    @NotNull private Duration collectEvery = Duration.hours(1);
    @Valid @NotNull private MediaStorageFactory storage = new MediaStorageFactory();

    public String blobBaseUrl(String publicUrl) {
        String base = publicBaseUrl == null || publicBaseUrl.isBlank() ? publicUrl + "/media" : publicBaseUrl;
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public Path tempDirectory() {
        return tempDir == null || tempDir.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "koomy-media") : Path.of(tempDir);
    }

    @JsonProperty public DataSize getMaxUploadSize() { return maxUploadSize; }
    @JsonProperty public void setMaxUploadSize(DataSize v) { this.maxUploadSize = v; }
    @JsonProperty public long getMaxPixels() { return maxPixels; }
    @JsonProperty public void setMaxPixels(long v) { this.maxPixels = v; }
    @JsonProperty public int getMaxDimension() { return maxDimension; }
    @JsonProperty public void setMaxDimension(int v) { this.maxDimension = v; }
    @JsonProperty public int getMediumSize() { return mediumSize; }
    @JsonProperty public void setMediumSize(int v) { this.mediumSize = v; }
    @JsonProperty public int getThumbSize() { return thumbSize; }
    @JsonProperty public void setThumbSize(int v) { this.thumbSize = v; }
    @JsonProperty public float getJpegQuality() { return jpegQuality; }
    @JsonProperty public void setJpegQuality(float v) { this.jpegQuality = v; }
    @JsonProperty public int getDecodeConcurrency() { return decodeConcurrency; }
    @JsonProperty public void setDecodeConcurrency(int v) { this.decodeConcurrency = v; }
    @JsonProperty public int getMaxQueuedDecodes() { return maxQueuedDecodes; }
    @JsonProperty public void setMaxQueuedDecodes(int v) { this.maxQueuedDecodes = v; }
    @JsonProperty public int getMaxImagesPerTarget() { return maxImagesPerTarget; }
    @JsonProperty public void setMaxImagesPerTarget(int v) { this.maxImagesPerTarget = v; }
    @JsonProperty public String getPublicBaseUrl() { return publicBaseUrl; }
    @JsonProperty public void setPublicBaseUrl(String v) { this.publicBaseUrl = v; }
    @JsonProperty public String getTempDir() { return tempDir; }
    @JsonProperty public void setTempDir(String v) { this.tempDir = v; }
    @JsonProperty public Duration getOrphanGrace() { return orphanGrace; }
    @JsonProperty public void setOrphanGrace(Duration v) { this.orphanGrace = v; }
    @JsonProperty public Duration getCollectEvery() { return collectEvery; }
    @JsonProperty public void setCollectEvery(Duration v) { this.collectEvery = v; }
    @JsonProperty public MediaStorageFactory getStorage() { return storage; }
    @JsonProperty public void setStorage(MediaStorageFactory v) { this.storage = v; }
}
