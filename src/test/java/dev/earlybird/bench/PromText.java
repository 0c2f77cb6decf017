package dev.earlybird.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One scrape of the agent's {@code /metrics} (Prometheus text or OpenMetrics), as series name, labels and value: what
 * the fleet bench reads of the agent from outside.
 */
record PromText(List<Sample> samples) {
  record Sample(String name, Map<String, String> labels, double value) {
    String label(String key) {
      return labels.getOrDefault(key, "");
    }
  }

  static PromText parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space;
      String name;
      Map<String, String> labels = new TreeMap<>();
      if (brace >= 0 && brace < line.indexOf(' ')) {
        name = line.substring(0, brace);
        int end = line.indexOf('}', brace);
        parseLabels(line.substring(brace + 1, end), labels);
        space = end + 1;
      } else {
        space = line.indexOf(' ');
        name = line.substring(0, space);
      }
      String[] rest = line.substring(space).strip().split(" ");
      try {
        out.add(new Sample(name, labels, Double.parseDouble(rest[0])));
      } catch (NumberFormatException e) {
        // NaN spelled otherwise, or an exemplar: not a number the bench reads
      }
    }
    return new PromText(List.copyOf(out));
  }

  private static void parseLabels(String body, Map<String, String> labels) {
    int i = 0;
    while (i < body.length()) {
      int eq = body.indexOf('=', i);
      if (eq < 0) {
        return;
      }
      String key = body.substring(i, eq).strip();
      StringBuilder v = new StringBuilder();
      int j = eq + 2; // past ="
      while (j < body.length() && body.charAt(j) != '"') {
        if (body.charAt(j) == '\\' && j + 1 < body.length()) {
          j++;
        }
        v.append(body.charAt(j++));
      }
      labels.put(key, v.toString());
      i = j + 1;
      while (i < body.length() && (body.charAt(i) == ',' || body.charAt(i) == ' ')) {
        i++;
      }
    }
  }

  /** Sum of every series of {@code name} whose labels pass {@code filter}; 0 when there is none. */
  double sum(String name, Predicate<Sample> filter) {
    return samples.stream().filter(s -> s.name().equals(name) && filter.test(s)).mapToDouble(Sample::value).sum();
  }

  double sum(String name) {
    return sum(name, s -> true);
  }

  /** The largest value of {@code name}'s series; NaN when there is none. */
  double max(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).mapToDouble(Sample::value).max().orElse(Double.NaN);
  }

  /** Series of {@code name} by the value of {@code label}. */
  Map<String, Double> by(String name, String label) {
    Map<String, Double> out = new TreeMap<>();
    samples.stream().filter(s -> s.name().equals(name)).forEach(s -> out.merge(s.label(label), s.value(), Double::sum));
    return out;
  }

  /** The cumulative bucket counts of histogram {@code name} summed over its series, by upper bound in seconds. */
  TreeMap<Double, Double> buckets(String name) {
    TreeMap<Double, Double> out = new TreeMap<>();
    samples.stream().filter(s -> s.name().equals(name + "_bucket")).forEach(s -> {
      String le = s.label("le");
      double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
      out.merge(bound, s.value(), Double::sum);
    });
    return out;
  }
}
