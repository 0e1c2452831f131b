package com.koomy.media.image;

import com.koomy.config.MediaFactory;
import com.koomy.media.image.ImagePipeline.Encoded;
import com.koomy.media.image.ImagePipeline.Probe;
import com.koomy.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImagePipelineTest {

    @TempDir
    Path temp;

    private final MediaFactory config = new MediaFactory();
    private final ImagePipeline images = new ImagePipeline(config);

    private Path write(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(temp, "in-", ".bin"), bytes);
    }

    private Encoded reencode(byte[] bytes) throws IOException {
        Path file = write(bytes);
        return images.reencode(file, images.probe(file), temp.resolve("out"));
    }

    @Test
    void aJpegIsReencodedWithoutItsExifAndGpsCoordinates() throws IOException {
        byte[] upload = TestImages.jpegWithGps(640, 480);
        assertThat(TestImages.hasExif(upload)).isTrue();
        assertThat(TestImages.contains(upload, TestImages.GPS_LATITUDE_DEGREES)).isTrue();

        Encoded stored = reencode(upload);

        byte[] bytes = Files.readAllBytes(stored.file());
        assertThat(stored.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(stored.width()).isEqualTo(640);
        assertThat(stored.height()).isEqualTo(480);
        assertThat(TestImages.hasExif(bytes)).isFalse();
        assertThat(TestImages.contains(bytes, "Exif".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(TestImages.contains(bytes, TestImages.GPS_LATITUDE_DEGREES)).isFalse();
        assertThat(stored.key()).matches("[0-9a-f]{64}\\.jpg");
        assertThat(TestImages.decode(bytes).getWidth()).isEqualTo(640);
    }

    @Test
    void aPhotoTakenSidewaysIsTurnedAsItsExifSaysBeforeTheExifIsDropped() throws IOException {
        // Stored 300 × 200, left red, right blue; orientation 6: shown turned a quarter clockwise.
        Encoded stored = reencode(TestImages.withExifOrientation(TestImages.halves(300, 200), 6));
        assertThat(stored.width()).isEqualTo(200);
        assertThat(stored.height()).isEqualTo(300);
        BufferedImage shown = TestImages.decode(Files.readAllBytes(stored.file()));
        assertThat(new java.awt.Color(shown.getRGB(100, 40)).getRed()).isGreaterThan(200);   // top: the red half
        assertThat(new java.awt.Color(shown.getRGB(100, 260)).getBlue()).isGreaterThan(200); // bottom: the blue half
        assertThat(TestImages.hasExif(Files.readAllBytes(stored.file()))).isFalse();

        Encoded upsideDown = reencode(TestImages.withExifOrientation(TestImages.halves(300, 200), 3));
        BufferedImage turned = TestImages.decode(Files.readAllBytes(upsideDown.file()));
        assertThat(turned.getWidth()).isEqualTo(300);
        assertThat(new java.awt.Color(turned.getRGB(40, 100)).getBlue()).isGreaterThan(200);  // left is now blue
    }

    @Test
    void aLargeImageIsScaledToTheMaximumDimension() throws IOException {
        Encoded stored = reencode(TestImages.jpeg(3000, 2000));
        assertThat(stored.width()).isEqualTo(2048);
        assertThat(stored.height()).isEqualTo(1365);
    }

    @Test
    void aPngKeepsItsTransparency() throws IOException {
        Encoded stored = reencode(TestImages.png(400, 400, true));
        assertThat(stored.format()).isEqualTo(ImageFormat.PNG);
        BufferedImage decoded = TestImages.decode(Files.readAllBytes(stored.file()));
        assertThat(decoded.getColorModel().hasAlpha()).isTrue();
        assertThat(decoded.getRGB(0, 0) >>> 24).isZero();          // a transparent corner
        assertThat(decoded.getRGB(200, 200) >>> 24).isEqualTo(180); // the translucent disc
    }

    @Test
    void webpIsDecodedAndStoredAsJpegOrAsPngWhenItHasAlpha() throws IOException {
        Encoded photo = reencode(TestImages.resource("photo-320x200.webp"));
        assertThat(photo.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(photo.width()).isEqualTo(320);
        assertThat(photo.height()).isEqualTo(200);

        Encoded logo = reencode(TestImages.resource("alpha-300x300.webp"));
        assertThat(logo.format()).isEqualTo(ImageFormat.PNG);
        assertThat(TestImages.decode(Files.readAllBytes(logo.file())).getColorModel().hasAlpha()).isTrue();
    }

    @Test
    void theTypeComesFromTheBytesAlone() throws IOException {
        Path php = write("<?php system($_GET['c']); ?>\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> images.probe(php)).isInstanceOfSatisfying(ImageRefusedException.class,
                e -> assertThat(e.code()).isEqualTo("unsupported_image_type"));

        Path gif = write("GIF89a\u0001\u0000\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> images.probe(gif)).isInstanceOfSatisfying(ImageRefusedException.class,
                e -> assertThat(e.status()).isEqualTo(415));

        Probe png = images.probe(write(TestImages.png(10, 20, false)));
        assertThat(png).isEqualTo(new Probe(ImageFormat.PNG, 10, 20));
    }

    @Test
    void truncatedImagesAreRefusedNotPaddedWithGrey() throws IOException {
        for (byte[] truncated : List.of(TestImages.truncated(TestImages.jpeg(800, 600), 0.6),
                TestImages.truncated(TestImages.png(300, 300, false), 0.5))) {
            Path file = write(truncated);
            assertThatThrownBy(() -> images.reencode(file, images.probe(file), temp))
                    .isInstanceOfSatisfying(ImageRefusedException.class, e -> {
                        assertThat(e.status()).isEqualTo(422);
                        assertThat(e.code()).isEqualTo("invalid_image");
                    });
        }
        Path onlyMagic = write(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0, 1, 2, 3});
        assertThatThrownBy(() -> images.probe(onlyMagic)).isInstanceOfSatisfying(ImageRefusedException.class,
                e -> assertThat(e.code()).isEqualTo("invalid_image"));
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeader() throws IOException {
        byte[] bomb = TestImages.pngBomb(30_000, 30_000);
        assertThat(bomb.length).isLessThan(16 * 1024);
        Path file = write(bomb);
        assertThatThrownBy(() -> images.probe(file)).isInstanceOfSatisfying(ImageRefusedException.class, e -> {
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.code()).isEqualTo("image_too_large");
        });
    }

    @Test
    void pastTheQueueLimitAnUploadIsRefusedAtOnceInsteadOfHoldingAThread() throws IOException {
        MediaFactory tight = new MediaFactory();
        tight.setDecodeConcurrency(1);
        tight.setMaxQueuedDecodes(0);
        ImagePipeline pipeline = new ImagePipeline(tight);
        Path file = write(TestImages.png(50, 50, false));
        ImagePipeline.Probe probe = pipeline.probe(file);
        pipeline.decodeSlots().acquireUninterruptibly(); // another upload is decoding
        long start = System.nanoTime();
        assertThatThrownBy(() -> pipeline.reencode(file, probe, temp)).isInstanceOfSatisfying(ImageRefusedException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.code()).isEqualTo("media_busy");
        });
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
        pipeline.decodeSlots().release();
        assertThat(pipeline.reencode(file, probe, temp).width()).isEqualTo(50);
    }

    @Test
    void smallerSizesKeepTheAspectRatio() throws IOException {
        Encoded original = reencode(TestImages.jpeg(2048, 1365));
        List<Encoded> sizes = images.resize(original.file(), ImageFormat.JPEG, 2048, 1365, List.of(1024, 256),
                temp.resolve("sizes"));
        assertThat(sizes).extracting(Encoded::width).containsExactly(1024, 256);
        assertThat(sizes).extracting(Encoded::height).containsExactly(683, 171);
        assertThat(TestImages.decode(Files.readAllBytes(sizes.get(1).file())).getWidth()).isEqualTo(256);
    }
}
