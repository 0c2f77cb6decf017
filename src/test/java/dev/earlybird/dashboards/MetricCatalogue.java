package dev.earlybird.dashboards;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric catalogue: the table under docs/metrics.md's "## Metrics" heading, which users read to know what
 * Earlybird exports. Rows look like {@code | `name`, `name2` | counter, gauge | target, source | meaning |}.
 */
public final class MetricCatalogue {
  /** One documented metric family (the name without {@code _bucket/_sum/_count} for a histogram). */
  public record Entry(String name, String type, Set<String> labels) {
    public boolean histogram() {
      return type.equals("histogram") || type.equals("summary");
    }
  }

  private static final Pattern NAME = Pattern.compile("`(earlybird_[a-z0-9_]+)`");
  private static final List<String> HISTOGRAM_SUFFIXES = List.of("_bucket", "_sum", "_count");

  private final Map<String, Entry> entries;

  private MetricCatalogue(Map<String, Entry> entries) {
    this.entries = entries;
  }

  public static MetricCatalogue readme() throws IOException {
    return parse(Files.readString(Path.of("docs", "metrics.md")));
  }

  static MetricCatalogue parse(String markdown) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    boolean inSection = false;
    for (String line : markdown.split("\n")) {
      if (line.startsWith("## ")) {
        inSection = line.strip().equals("## Metrics");
        continue;
      }
      if (!inSection || !line.startsWith("| `earlybird_")) {
        continue;
      }
      String[] cells = line.split("\\|");
      // cells[0] is empty (the line starts with '|'): name(s), type(s), labels, meaning.
      Matcher m = NAME.matcher(cells[1]);
      List<String> names = m.results().map(r -> r.group(1)).toList();
      List<String> types = Arrays.stream(cells[2].split(",")).map(String::strip).toList();
      Set<String> labels = cells[3].strip().equals("—")
          ? Set.of()
          : Set.copyOf(Arrays.stream(cells[3].split(",")).map(String::strip).filter(l -> !l.isEmpty()).toList());
      for (int n = 0; n < names.size(); n++) {
        String type = types.size() == names.size() ? types.get(n) : types.get(0);
        entries.put(names.get(n), new Entry(names.get(n), type, labels));
      }
    }
    return new MetricCatalogue(Map.copyOf(entries));
  }

  public Map<String, Entry> entries() {
    return entries;
  }

  /**
   * The documented family a sample name belongs to: {@code earlybird_poll_duration_seconds_bucket} is
   * {@code earlybird_poll_duration_seconds} because that one is a histogram; a name whose stripped form is not a
   * documented histogram (say, a gauge that happens to end in {@code _count}) is its own family.
   */
  public Optional<Entry> family(String sampleName) {
    Entry exact = entries.get(sampleName);
    if (exact != null) {
      return Optional.of(exact);
    }
    for (String suffix : HISTOGRAM_SUFFIXES) {
      if (sampleName.endsWith(suffix)) {
        Entry base = entries.get(sampleName.substring(0, sampleName.length() - suffix.length()));
        if (base != null && base.histogram()) {
          return Optional.of(base);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * True if a sample with this name only ever goes up: a {@code _total} counter, or the {@code _bucket},
   * {@code _sum} or {@code _count} of a documented histogram.
   */
  public boolean isCounterSample(String sampleName) {
    if (sampleName.endsWith("_total")) {
      return true;
    }
    return !entries.containsKey(sampleName) && family(sampleName).map(Entry::histogram).orElse(false);
  }
}
