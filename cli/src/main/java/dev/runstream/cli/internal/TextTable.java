package dev.runstream.cli.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns: a header row, then data rows, columns separated by two
 * spaces. Columns listed as right-aligned (numbers) are padded on the left.
 *
 * <pre>
 * WORKFLOW   AGENT           STATUS    EVENTS
 * 0193a1…    weather-agent   FINISHED      42
 * </pre>
 */
public final class TextTable {
  private final List<String> headers;
  private final boolean[] rightAligned;
  private final List<List<String>> rows = new ArrayList<>();

  /**
   * A table with these column headers.
   *
   * @param headers the column headers
   */
  public TextTable(String... headers) {
    this.headers = List.of(headers);
    this.rightAligned = new boolean[headers.length];
  }

  /**
   * Aligns columns to the right (for numbers).
   *
   * @param columns zero-based column indexes
   * @return this table
   */
  public TextTable rightAlign(int... columns) {
    for (int column : columns) {
      rightAligned[column] = true;
    }
    return this;
  }

  /**
   * Adds a row; missing cells are empty, {@code null} cells print as {@code -}.
   *
   * @param cells the cells, in column order
   * @return this table
   */
  public TextTable row(String... cells) {
    List<String> row = new ArrayList<>(headers.size());
    for (int i = 0; i < headers.size(); i++) {
      String cell = i < cells.length ? cells[i] : "";
      row.add(cell == null ? "-" : cell);
    }
    rows.add(row);
    return this;
  }

  /**
   * The number of data rows.
   *
   * @return rows added
   */
  public int size() {
    return rows.size();
  }

  /**
   * The table's lines, header first, trailing spaces trimmed.
   *
   * @return the lines
   */
  public List<String> lines() {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = width(headers.get(i));
    }
    for (List<String> row : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], width(row.get(i)));
      }
    }
    List<String> lines = new ArrayList<>(rows.size() + 1);
    lines.add(format(headers, widths));
    for (List<String> row : rows) {
      lines.add(format(row, widths));
    }
    return lines;
  }

  /**
   * Prints {@link #lines()}.
   *
   * @param out where to print
   */
  public void print(PrintStream out) {
    lines().forEach(out::println);
    out.flush();
  }

  private String format(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      if (i > 0) {
        line.append("  ");
      }
      String cell = cells.get(i);
      String pad = " ".repeat(widths[i] - width(cell));
      line.append(rightAligned[i] ? pad + cell : cell + pad);
    }
    return line.toString().stripTrailing();
  }

  /** Display width: code points (the tables hold ids, names, numbers and ISO times). */
  private static int width(String text) {
    return text.codePointCount(0, text.length());
  }

  @Override
  public String toString() {
    return String.join("\n", lines());
  }
}
