package io.sparktrain.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A PNG grid of grey images with two caption lines each: "actual" and "→ predicted" for the report's
 * misclassified section, the class and the augmentation for the augmentation preview.
 */
public final class MisclassifiedGrid {
  /** One image: pixels in [0, 1], row-major, and its two caption lines. */
  public record Tile(float[] pixels, String actual, String predicted) {}

  static final int SCALE = 3;
  static final int CAPTION = 28;
  public static final int COLUMNS = 8;

  private MisclassifiedGrid() {}

  public static byte[] png(List<Tile> tiles, int height, int width) {
    int cellW = Math.max(width * SCALE, 96);
    int cellH = height * SCALE + CAPTION;
    int rows = (tiles.size() + COLUMNS - 1) / COLUMNS;
    BufferedImage img = new BufferedImage(COLUMNS * cellW, Math.max(1, rows) * cellH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    for (int t = 0; t < tiles.size(); t++) {
      Tile tile = tiles.get(t);
      int x0 = (t % COLUMNS) * cellW + (cellW - width * SCALE) / 2;
      int y0 = (t / COLUMNS) * cellH;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int v = Math.max(0, Math.min(255, Math.round(tile.pixels()[y * width + x] * 255)));
          g.setColor(new Color(v, v, v));
          g.fillRect(x0 + x * SCALE, y0 + y * SCALE, SCALE, SCALE);
        }
      }
      g.setColor(new Color(30, 30, 30));
      g.drawString(clip(tile.actual()), (t % COLUMNS) * cellW + 4, y0 + height * SCALE + 12);
      g.setColor(new Color(190, 40, 40));
      g.drawString(clip(tile.predicted()), (t % COLUMNS) * cellW + 4, y0 + height * SCALE + 24);
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String clip(String s) {
    return s.length() <= 16 ? s : s.substring(0, 15) + "…";
  }
}
