package dev.earlybird.cli;

import java.util.Locale;

/** How {@code report} and {@code baseline list} print: for people, for spreadsheets, or as the API's JSON. */
enum Format {
  TABLE,
  CSV,
  JSON;

  static Format parse(String text) throws ReportFailure {
    for (Format f : values()) {
      if (f.name().equalsIgnoreCase(text.strip())) {
        return f;
      }
    }
    throw new ReportFailure(ReportFailure.USAGE,
        "--format must be table, csv or json, got '" + text + "' (e.g. --format csv)");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
