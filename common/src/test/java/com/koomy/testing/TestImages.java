package com.koomy.testing;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Images for media tests: real encodings made here, plus hostile ones built byte by byte. */
public final class TestImages {

    /** The latitude our GPS EXIF block carries, as it appears in the file: 48/1 degrees (Paris). */
    public static final byte[] GPS_LATITUDE_DEGREES = {0, 0, 0, 48, 0, 0, 0, 1};

    private TestImages() {
    }

    /** A photo-like picture (gradients and noise, so JPEG has something to compress). */
    public static BufferedImage picture(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255 / width + random.nextInt(40)) & 0xff;
                int g = (y * 255 / height + random.nextInt(40)) & 0xff;
                int b = ((x + y) / 3 + random.nextInt(40)) & 0xff;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    public static byte[] jpeg(int width, int height) {
        return encode(picture(width, height, 42), "jpeg");
    }

    /** A PNG; with alpha, a translucent disc on a transparent square (a logo). */
    public static byte[] png(int width, int height, boolean alpha) {
        if (!alpha) {
            return encode(picture(width, height, 7), "png");
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(200, 30, 60, 180));
        g.fillOval(width / 8, height / 8, width * 3 / 4, height * 3 / 4);
        g.dispose();
        return encode(image, "png");
    }

    /** A JPEG carrying an EXIF block with GPS coordinates (48° N), as phones write them. */
    public static byte[] jpegWithGps(int width, int height) {
        return withGps(jpeg(width, height));
    }

    /** {@code jpeg} with an EXIF block with GPS coordinates (48° N) right after SOI, as phones write it. */
    public static byte[] withGps(byte[] jpeg) {
        return afterSoi(jpeg, exifWithGps());
    }

    /** A JPEG whose EXIF says how to turn it (1 as stored, 6 a quarter turn clockwise, ...). */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26);
        tiff.put(new byte[] {'I', 'I', 42, 0}).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(8);
        tiff.putShort((short) 1).putShort((short) 0x0112).putShort((short) 3).putInt(1)
                .putShort((short) orientation).putShort((short) 0).putInt(0);
        return afterSoi(jpeg, exif(tiff.array()));
    }

    /** {@code segment} (an APP1) right after the JPEG's SOI marker, where phones put their EXIF. */
    private static byte[] afterSoi(byte[] jpeg, byte[] segment) {
        byte[] out = new byte[jpeg.length + segment.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(segment, 0, out, 2, segment.length);
        System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
        return out;
    }

    /** An APP1 "Exif\0\0" segment around a TIFF body. */
    private static byte[] exif(byte[] tiff) {
        ByteBuffer app1 = ByteBuffer.allocate(4 + 6 + tiff.length);
        app1.put((byte) 0xff).put((byte) 0xe1).putShort((short) (2 + 6 + tiff.length));
        app1.put(new byte[] {'E', 'x', 'i', 'f', 0, 0}).put(tiff);
        return app1.array();
    }

    /** Left half red, right half blue: shows which way an image was turned. */
    public static byte[] halves(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, width / 2, height);
        g.setColor(Color.BLUE);
        g.fillRect(width / 2, 0, width - width / 2, height);
        g.dispose();
        return encode(image, "jpeg");
    }

    /** The first {@code fraction} of the bytes: a truncated file. */
    public static byte[] truncated(byte[] image, double fraction) {
        return Arrays.copyOf(image, (int) (image.length * fraction));
    }

    /**
     * A valid PNG header claiming {@code width × height} 8-bit grey pixels, with a few KiB of
     * deflated zero rows: decoded in full it would need width × height bytes.
     */
    public static byte[] pngBomb(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        Deflater deflater = new Deflater(9);
        deflater.setInput(new byte[4 * 1024 * 1024]);
        deflater.finish();
        byte[] buffer = new byte[64 * 1024];
        int n = deflater.deflate(buffer);
        deflater.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", Arrays.copyOf(buffer, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    public static byte[] resource(String name) {
        try (InputStream in = TestImages.class.getResourceAsStream("/media/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource /media/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a JPEG has an APP1 "Exif" segment (walks the markers up to the image data). */
    public static boolean hasExif(byte[] jpeg) {
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xff) == 0xff) {
            int marker = jpeg[i + 1] & 0xff;
            if (marker == 0xda) {
                return false;
            }
            int length = ((jpeg[i + 2] & 0xff) << 8) | (jpeg[i + 3] & 0xff);
            if (marker == 0xe1 && new String(jpeg, i + 4, Math.min(4, jpeg.length - i - 4), StandardCharsets.ISO_8859_1).equals("Exif")) {
                return true;
            }
            i += 2 + length;
        }
        return false;
    }

    public static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    public static BufferedImage decode(byte[] image) {
        try {
            BufferedImage decoded = ImageIO.read(new java.io.ByteArrayInputStream(image));
            if (decoded == null) {
                throw new IllegalArgumentException("not an image ImageIO reads");
            }
            return decoded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /**
     * APP1 "Exif\0\0" + a big-endian TIFF: IFD0 with one entry, GPSInfo (0x8825) pointing at a GPS IFD
     * holding GPSLatitudeRef "N" and GPSLatitude 48/1, 51/1, 24/1.
     */
    private static byte[] exifWithGps() {
        ByteBuffer tiff = ByteBuffer.allocate(128);
        tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8);
        // IFD0 at 8: 1 entry, next IFD 0.
        tiff.putShort((short) 1).putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(26).putInt(0);
        // GPS IFD at 26: 2 entries, next 0; latitude values at 26 + 2 + 24 + 4 = 56.
        tiff.putShort((short) 2);
        tiff.putShort((short) 1).putShort((short) 2).putInt(2).put(new byte[] {'N', 0, 0, 0});
        tiff.putShort((short) 2).putShort((short) 5).putInt(3).putInt(56);
        tiff.putInt(0);
        tiff.put(GPS_LATITUDE_DEGREES).putInt(51).putInt(1).putInt(24).putInt(1);
        return exif(Arrays.copyOf(tiff.array(), tiff.position()));
    }
}
