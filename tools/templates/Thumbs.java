import java.awt.*;
import java.awt.geom.*;
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

/** Draws the template thumbnails: plain shapes, no text, no borrowed art. */
public class Thumbs {
    static final int S = 256;

    public static void main(String[] a) throws Exception {
        String out = a[0];
        write(out + "/sd15_text_to_image-1.png", g -> { noise(g, 24, 78, 80); arrow(g, 112, 118); landscape(g, 152, 78, 80, 1f); });
        write(out + "/sd15_image_to_image-1.png", g -> { landscape(g, 24, 78, 80, 0.55f); arrow(g, 112, 118); landscape(g, 152, 78, 80, 1f); brush(g, 152, 78, 80); });
        write(out + "/sd15_inpainting-1.png", g -> { landscape(g, 24, 78, 80, 1f); hole(g, 44, 98, 40); arrow(g, 112, 118); landscape(g, 152, 78, 80, 1f); patch(g, 172, 98, 40); });
        write(out + "/sd15_upscale-1.png", g -> { landscape(g, 24, 108, 40, 1f); arrow(g, 80, 128); landscape(g, 120, 48, 112, 1f); });
    }

    interface Painter { void paint(Graphics2D g); }

    static void write(String file, Painter p) throws Exception {
        BufferedImage img = new BufferedImage(S, S, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(0x1e2430), 0, S, new Color(0x2e3950)));
        g.fillRect(0, 0, S, S);
        p.paint(g);
        g.dispose();
        ImageIO.write(img, "png", new File(file));
    }

    static void noise(Graphics2D g, int x, int y, int w) {
        java.util.Random r = new java.util.Random(7);
        int cell = 8;
        for (int i = 0; i < w; i += cell) for (int j = 0; j < w; j += cell) {
            int v = 60 + r.nextInt(150);
            g.setColor(new Color(v, v, v));
            g.fillRect(x + i, y + j, cell, cell);
        }
        frame(g, x, y, w, w);
    }

    static void landscape(Graphics2D g, int x, int y, int w, float alpha) {
        Composite old = g.getComposite();
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, alpha));
        g.setPaint(new GradientPaint(x, y, new Color(0x6fb7ff), x, y + w, new Color(0xffd39a)));
        g.fillRect(x, y, w, w);
        g.setColor(new Color(0xffe066));
        g.fill(new Ellipse2D.Double(x + w * 0.62, y + w * 0.16, w * 0.2, w * 0.2));
        g.setColor(new Color(0x3f6b4a));
        g.fill(new Polygon(new int[] {x, x + w * 35 / 100, x + w * 6 / 10, x + w, x + w, x},
                new int[] {y + w * 8 / 10, y + w * 4 / 10, y + w * 65 / 100, y + w * 45 / 100, y + w, y + w}, 6));
        g.setColor(new Color(0x2b4c8c));
        g.fillRect(x, y + w * 85 / 100, w, w * 15 / 100);
        g.setComposite(old);
        frame(g, x, y, w, w);
    }

    static void hole(Graphics2D g, int x, int y, int w) {
        for (int i = 0; i < w; i += 8) for (int j = 0; j < w; j += 8) {
            g.setColor(((i + j) / 8) % 2 == 0 ? new Color(0xdddddd) : new Color(0x999999));
            g.fillRect(x + i, y + j, 8, 8);
        }
        dashed(g, x, y, w);
    }

    static void patch(Graphics2D g, int x, int y, int w) {
        g.setColor(new Color(0xb5523b));
        g.fillRect(x, y, w, w);
        g.setColor(new Color(0xe8d5c4));
        for (int j = 0; j < w; j += 10) g.drawLine(x, y + j, x + w, y + j);
        dashed(g, x, y, w);
    }

    static void brush(Graphics2D g, int x, int y, int w) {
        g.setStroke(new BasicStroke(4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.setColor(new Color(255, 255, 255, 170));
        g.draw(new QuadCurve2D.Double(x + 10, y + w - 14, x + w / 2.0, y + w / 2.0, x + w - 10, y + w - 30));
    }

    static void dashed(Graphics2D g, int x, int y, int w) {
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
        g.drawRect(x, y, w, w);
        g.setStroke(new BasicStroke(1f));
    }

    static void frame(Graphics2D g, int x, int y, int w, int h) {
        g.setColor(new Color(0xe6e9ef));
        g.setStroke(new BasicStroke(2f));
        g.drawRect(x, y, w, h);
    }

    static void arrow(Graphics2D g, int x, int cy) {
        g.setColor(new Color(0x8fd18f));
        g.setStroke(new BasicStroke(5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(x + 4, cy, x + 32, cy);
        g.fill(new Polygon(new int[] {x + 30, x + 40, x + 30}, new int[] {cy - 9, cy, cy + 9}, 3));
        g.setStroke(new BasicStroke(1f));
    }
}
