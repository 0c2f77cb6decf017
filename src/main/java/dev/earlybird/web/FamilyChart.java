package dev.earlybird.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The family page's chart as SVG geometry (drawn by the template, no script): per-call mean over time of the worst
 * databases against the fleet's median, with a time axis in UTC and a millisecond axis from 0.
 *
 * @param lines the worst databases, then the median (drawn over them)
 * @param yTicks labels of the millisecond axis ({@code y} is where; {@code x} unused)
 * @param xTicks labels of the time axis ({@code x} is where; {@code y} unused)
 */
public record FamilyChart(
    int width, int height, int left, int top, int right, int bottom, List<Line> lines, List<Tick> yTicks,
    List<Tick> xTicks) {
  /**
   * @param points SVG polyline points, "x,y x,y ..."
   * @param dots the same points, each drawn as a dot (a series of one bucket is a dot, not a line)
   */
  public record Line(String label, String color, String points, List<Tick> dots, boolean median) {}

  public record Tick(int x, int y, String label) {}

  private static final String[] COLORS = {"#b00020", "#d97706", "#2563eb", "#7c3aed", "#059669"};
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  public boolean empty() {
    return lines.stream().allMatch(l -> l.points().isEmpty());
  }

  static FamilyChart of(FamiliesApi.FamilyDetailJson d) {
    int width = 900, height = 260, left = 70, top = 10, right = 850, bottom = 230;
    Instant from = d.from(), to = d.to();
    double max = d.chart().median().stream().mapToDouble(FamiliesApi.PointJson::meanMs).max().orElse(0);
    for (FamiliesApi.SeriesJson s : d.chart().worst()) {
      max = Math.max(max, s.points().stream().mapToDouble(FamiliesApi.PointJson::meanMs).max().orElse(0));
    }
    double ceiling = max <= 0 ? 1 : max * 1.1;
    Scale scale = new Scale(from, to, ceiling, left, top, right, bottom);
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < d.chart().worst().size(); i++) {
      FamiliesApi.SeriesJson s = d.chart().worst().get(i);
      lines.add(scale.line(s.target() + " / " + s.database(), COLORS[i % COLORS.length], s.points(), false));
    }
    lines.add(scale.line("fleet median", "#555555", d.chart().median(), true));
    List<Tick> yTicks = new ArrayList<>();
    for (int i = 0; i <= 4; i++) {
      double v = ceiling * i / 4;
      yTicks.add(new Tick(left, scale.y(v), Units.ms(v)));
    }
    List<Tick> xTicks = new ArrayList<>();
    for (int i = 0; i <= 4; i++) {
      Instant at = from.plusMillis((to.toEpochMilli() - from.toEpochMilli()) * i / 4);
      xTicks.add(new Tick(scale.x(at), bottom, TIME.format(at)));
    }
    return new FamilyChart(width, height, left, top, right, bottom, lines, yTicks, xTicks);
  }

  /** Maps time and milliseconds onto the plot area. */
  private record Scale(Instant from, Instant to, double maxMs, int left, int top, int right, int bottom) {
    int x(Instant at) {
      double span = Math.max(1, to.toEpochMilli() - from.toEpochMilli());
      double f = Math.clamp((at.toEpochMilli() - from.toEpochMilli()) / span, 0.0, 1.0);
      return (int) Math.round(left + f * (right - left));
    }

    int y(double ms) {
      return (int) Math.round(bottom - Math.clamp(ms / maxMs, 0.0, 1.0) * (bottom - top));
    }

    /** A point per bucket, at the bucket's middle. */
    Line line(String label, String color, List<FamiliesApi.PointJson> series, boolean median) {
      List<Tick> dots = new ArrayList<>();
      for (FamiliesApi.PointJson p : series) {
        Instant mid = p.start().plusMillis((p.end().toEpochMilli() - p.start().toEpochMilli()) / 2);
        dots.add(new Tick(x(mid), y(p.meanMs()), Units.ms(p.meanMs()) + " at " + TIME.format(p.end()) + " UTC"));
      }
      String points = dots.stream().map(t -> t.x() + "," + t.y()).collect(java.util.stream.Collectors.joining(" "));
      return new Line(label, color, points, dots, median);
    }
  }
}
