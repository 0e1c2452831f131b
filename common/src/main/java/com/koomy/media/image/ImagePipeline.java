package com.koomy.media.image;

import com.codahale.metrics.MetricRegistry;
import com.koomy.config.MediaFactory;
import com.koomy.media.storage.BlobKeys;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Reads, checks, scales and re-encodes images with the JDK's ImageIO (plus TwelveMonkeys' WebP
 * reader). Re-encoding from decoded pixels drops every metadata block of the upload (EXIF with GPS
 * coordinates, XMP, comments, ICC profiles) and anything hidden after the image data; a JPEG's EXIF
 * orientation is applied to the pixels first ({@link ExifOrientation}).
 *
 * <p>Memory is bounded three ways: the pixel count is read from the header and refused above
 * {@code maxPixels} before any decoding; large images are decoded with source subsampling, so the
 * decoded raster's longest side is at most twice the largest size wanted (at most (2 × 2048)² pixels
 * with the defaults, about 64 MiB); and at most {@code decodeConcurrency} images are decoded at once
 * in the process, up to {@code maxQueuedDecodes} others wait (up to {@link DecodeSlots#WAIT_SECONDS}), and
 * beyond that an upload is refused at once with 503 media_busy, so a burst of uploads cannot take
 * every server thread.
 */
public class ImagePipeline {

    /** An image's type and size, read from its header only. */
    public record Probe(ImageFormat format, int width, int height) {
    }

    /** One encoded image in a temporary file, and its content-addressed key. */
    public record Encoded(Path file, ImageFormat format, int width, int height, long bytes, String key) {
    }

    private final MediaFactory config;
    private final DecodeSlots decodes;

    static {
        // ImageIO would otherwise cache streams in temporary files of its own.
        ImageIO.setUseCache(false);
        ImageIO.scanForPlugins();
    }

    public ImagePipeline(MediaFactory config) {
        this.config = config;
        this.decodes = new DecodeSlots(config.getDecodeConcurrency(), config.getMaxQueuedDecodes());
    }

    /**
     * {@code koomy.media.decodes.running} and {@code .waiting} (gauges), {@code koomy.media.busy} (meter:
     * uploads or jobs refused because too many waited): a steady queue means the process needs more CPU.
     */
    public ImagePipeline registerMetrics(MetricRegistry metrics) {
        decodes.registerMetrics(metrics);
        return this;
    }

    /**
     * Whether an upload arriving now would be refused for lack of a decode slot: checked before its
     * body is read, so a refused client has not sent megabytes for nothing.
     */
    public boolean saturated() {
        return decodes.saturated();
    }

    /** For tests: the decode slots. */
    Semaphore decodeSlots() {
        return decodes.semaphore();
    }

    /** Type from the magic bytes, dimensions from the header; refuses unknown types and too many pixels. */
    public Probe probe(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(ImageFormat.SNIFF_BYTES);
        }
        ImageFormat format = ImageFormat.sniff(head).orElseThrow(ImageRefusedException::unsupportedType);
        ImageReader reader = reader(format);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw ImageRefusedException.invalid("no dimensions in its header");
            }
            if ((long) width * height > config.getMaxPixels()) {
                throw new ImageRefusedException(422, "image_too_large", "the image is " + width + " × " + height
                        + " pixels; at most " + config.getMaxPixels() + " pixels are accepted");
            }
            return new Probe(format, width, height);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageRefusedException refused) {
                throw refused;
            }
            throw ImageRefusedException.invalid("its header is not a valid " + format.id() + " header");
        } finally {
            reader.dispose();
        }
    }

    /**
     * The stored original: decoded, scaled down to {@code maxDimension} if larger, re-encoded in the
     * output format (see {@link ImageFormat#outputFor}) into a new file in {@code directory}.
     */
    public Encoded reencode(Path file, Probe probe, Path directory) throws IOException {
        return decodes.run(() -> {
            BufferedImage decoded = decode(file, probe, config.getMaxDimension());
            ImageFormat output = ImageFormat.outputFor(probe.format(), decoded.getColorModel().hasAlpha());
            BufferedImage fitted = fit(decoded, config.getMaxDimension(), output);
            int orientation = probe.format() == ImageFormat.JPEG ? ExifOrientation.read(file) : 1;
            return encode(ExifOrientation.apply(fitted, orientation), output, directory);
        });
    }

    /**
     * Smaller sizes of a stored original (its own output, so trusted): one image per requested
     * longest side, in the same format, each no larger than the original. Decoded once.
     */
    public List<Encoded> resize(Path original, ImageFormat format, int width, int height, List<Integer> sides,
                                Path directory) throws IOException {
        int largest = sides.stream().mapToInt(Integer::intValue).max().orElseThrow();
        return decodes.run(() -> {
            BufferedImage decoded = decode(original, new Probe(format, width, height), largest);
            List<Encoded> sizes = new ArrayList<>();
            for (int side : sides) {
                sizes.add(encode(fit(decoded, side, format), format, directory));
            }
            return sizes;
        });
    }

    /** The dimensions an image of this size gets when its longest side is brought down to {@code side}. */
    public static int[] fitted(int width, int height, int side) {
        if (width <= side && height <= side) {
            return new int[] {width, height};
        }
        double scale = (double) side / Math.max(width, height);
        return new int[] {Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale))};
    }

    /**
     * Decodes with source subsampling so the raster's longest side stays under 2 × {@code wanted}
     * (the scaling that follows smooths it). Any decoder warning (a truncated JPEG is only a warning
     * to ImageIO, which would fill the rest with grey) refuses the image.
     */
    private BufferedImage decode(Path file, Probe probe, int wanted) throws IOException {
        ImageReader reader = reader(probe.format());
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.setInput(in, true, true);
            ImageReadParam param = reader.getDefaultReadParam();
            int longest = Math.max(probe.width(), probe.height());
            int subsampling = Math.max(1, (int) Math.ceil(longest / (2.0 * wanted)));
            if (subsampling > 1) {
                param.setSourceSubsampling(subsampling, subsampling, 0, 0);
            }
            BufferedImage image = reader.read(0, param);
            if (!warnings.isEmpty()) {
                throw ImageRefusedException.invalid(warnings.get(0));
            }
            return image;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageRefusedException refused) {
                throw refused;
            }
            throw ImageRefusedException.invalid("its data is corrupt or truncated");
        } finally {
            reader.dispose();
        }
    }

    /**
     * The image with its longest side at most {@code side}, always copied into a plain RGB or ARGB
     * raster (indexed, grey, 16-bit and CMYK-like models all become one the writers handle). Large
     * reductions halve step by step with bilinear filtering, which avoids the aliasing of one big step.
     */
    static BufferedImage fit(BufferedImage source, int side, ImageFormat output) {
        int[] target = fitted(source.getWidth(), source.getHeight(), side);
        int type = output == ImageFormat.PNG && source.getColorModel().hasAlpha()
                ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        BufferedImage current = source;
        int w = source.getWidth();
        int h = source.getHeight();
        do {
            w = Math.max(w / 2, target[0]);
            h = Math.max(h / 2, target[1]);
            BufferedImage next = new BufferedImage(w, h, type);
            Graphics2D g = next.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
                g.drawImage(current, 0, 0, w, h, null);
            } finally {
                g.dispose();
            }
            current = next;
        } while (w != target[0] || h != target[1]);
        return current;
    }

    private Encoded encode(BufferedImage image, ImageFormat format, Path directory) throws IOException {
        Files.createDirectories(directory);
        Path out = Files.createTempFile(directory, "encoded-", "." + format.extension());
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName(format.id()).next();
            try (ImageOutputStream stream = ImageIO.createImageOutputStream(out.toFile())) {
                writer.setOutput(stream);
                ImageWriteParam param = writer.getDefaultWriteParam();
                if (format == ImageFormat.JPEG) {
                    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                    param.setCompressionQuality(config.getJpegQuality());
                }
                // No metadata passed: the writer emits only what the format needs (JFIF or IHDR).
                writer.write(null, new IIOImage(image, null, null), param);
            } finally {
                writer.dispose();
            }
            return new Encoded(out, format, image.getWidth(), image.getHeight(), Files.size(out),
                    BlobKeys.of(out, format.extension()));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(out);
            throw e;
        }
    }

    private static ImageReader reader(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.id());
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + format.id() + " (is imageio-webp on the classpath?)");
        }
        return readers.next();
    }
}
