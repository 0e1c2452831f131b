import com.koomy.testing.TestImages;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The photos MediaBench uploads: phone-like JPEGs of a target size with the tests' GPS EXIF block
 * (TestImages), each with its own mark so no two are byte-identical.
 */
final class MediaPhotos {

    private MediaPhotos() {
    }

    /** Distinct photos of about {@code target} bytes: noise over gradients at a quality found once. */
    static List<byte[]> photos(int count, int target) throws IOException {
        int width = 3000;
        int height = 2000;
        BufferedImage base = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(11);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255 / width + random.nextInt(24)) & 0xff;
                int g = (y * 255 / height + random.nextInt(24)) & 0xff;
                int b = (128 + (int) (60 * Math.sin(x / 40.0) * Math.cos(y / 55.0)) + random.nextInt(24)) & 0xff;
                base.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        float quality = 0.9f;
        for (int tries = 0; tries < 6; tries++) {
            int size = jpeg(base, quality).length;
            if (Math.abs(size - target) < target / 10) {
                break;
            }
            quality = Math.max(0.3f, Math.min(0.98f, quality * (float) Math.pow((double) target / size, 0.6)));
        }
        List<byte[]> photos = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage copy = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = copy.createGraphics();
            g.drawImage(base, 0, 0, null);
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 120));
            g.drawString("#" + i, 80, 200);
            g.dispose();
            photos.add(TestImages.withGps(jpeg(copy, quality)));
        }
        return photos;
    }

    static byte[] jpeg(BufferedImage image, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
