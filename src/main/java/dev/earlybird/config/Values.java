package dev.earlybird.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parsers for scalar values. Each throws IllegalArgumentException with "what is wrong; expected what (how
 * to fix)", quoting the value with {@link #quote} so {@link ConfigNode} can hide substituted values.
 * Values that may carry credentials (URLs) are never quoted.
 */
final class Values {
  private Values() {}

  static String quote(String value) {
    return "\"" + value + "\"";
  }

  static Function<String, Duration> duration(boolean allowZero) {
    return text -> {
      Duration d = Durations.parse(text);
      if (d.isZero() && !allowZero) {
        throw new IllegalArgumentException(quote(text) + " is zero; expected a positive duration like 5s");
      }
      return d;
    };
  }

  static Function<String, Integer> integer(int min, int max) {
    return text -> {
      int value;
      try {
        value = Integer.parseInt(text.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(quote(text) + " is not a whole number; expected a number from "
            + min + " to " + max);
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            quote(text) + " is out of range; expected a number from " + min + " to " + max);
      }
      return value;
    };
  }

  static Function<String, Double> number(double above) {
    return text -> {
      double value;
      try {
        value = Double.parseDouble(text.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(quote(text) + " is not a number; expected a number like 1.5");
      }
      if (!Double.isFinite(value) || value <= above) {
        throw new IllegalArgumentException(quote(text) + " is out of range; expected a number above " + above);
      }
      return value;
    };
  }

  /** Names of targets and receivers: they end up in Prometheus label values and URL paths. */
  static Function<String, String> name(String what) {
    return text -> {
      if (!TargetConfig.NAME.matcher(text).matches()) {
        throw new IllegalArgumentException(quote(text) + " is not a valid " + what + "; expected 1-63 letters, "
            + "digits, '_', '.' or '-', starting with a letter or digit (it appears in metric labels and URLs)");
      }
      return text;
    };
  }

  static Pattern regex(String text) {
    try {
      return Pattern.compile(text);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(quote(text) + " is not a valid regular expression: "
          + e.getDescription() + " near index " + e.getIndex() + "; expected a java.util.regex pattern like ^tenant_");
    }
  }

  static ZoneId zone(String text) {
    try {
      return ZoneId.of(text.strip());
    } catch (DateTimeException e) {
      String hint = ZoneId.SHORT_IDS.containsKey(text.strip().toUpperCase(Locale.ROOT))
          ? "did you mean " + ZoneId.SHORT_IDS.get(text.strip().toUpperCase(Locale.ROOT)) + "?"
          : Suggest.closest(text.strip(), ZoneId.getAvailableZoneIds()).map(z -> "did you mean " + z + "?")
              .orElse("see the tz database names");
      throw new IllegalArgumentException(quote(text) + " is not a known time zone; expected an IANA zone like "
          + "Europe/London or America/New_York (" + hint + ")");
    }
  }

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("H:mm[:ss]");

  static LocalTime timeOfDay(String text) {
    try {
      return LocalTime.parse(text.strip(), CLOCK);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          quote(text) + " is not a time of day; expected 24-hour HH:MM like \"07:00\" (quote it in YAML)");
    }
  }

  /** A calendar date, ISO only: {@code 2026-12-25} is unambiguous where 12/25/2026 and 25.12.2026 are not. */
  static LocalDate date(String text) {
    try {
      return LocalDate.parse(text.strip(), DateTimeFormatter.ISO_LOCAL_DATE);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          quote(text) + " is not a date; expected an ISO date YYYY-MM-DD like \"2026-12-25\"");
    }
  }

  /** One day ({@code MON}, {@code monday}) or a range ({@code MON-FRI}, wrapping like {@code FRI-MON}). */
  static Set<DayOfWeek> days(String text) {
    String[] ends = text.strip().split("-", -1);
    if (ends.length > 2) {
      throw badDay(text);
    }
    DayOfWeek from = day(ends[0], text);
    DayOfWeek to = ends.length == 2 ? day(ends[1], text) : from;
    Set<DayOfWeek> result = EnumSet.of(from);
    for (DayOfWeek d = from; d != to; d = d.plus(1)) {
      result.add(d.plus(1));
    }
    return result;
  }

  private static DayOfWeek day(String part, String whole) {
    String p = part.strip().toUpperCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().equals(p) || d.name().substring(0, 3).equals(p)) {
        return d;
      }
    }
    throw badDay(whole);
  }

  private static IllegalArgumentException badDay(String text) {
    return new IllegalArgumentException(quote(text) + " is not a day of the week; expected MON, TUE, WED, THU, FRI, "
        + "SAT, SUN, full names like Monday, or a range like MON-FRI");
  }

  static boolean bool(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException(quote(text) + " is not true or false; expected true or false");
    };
  }

  /** An http(s) URL; never quoted in errors because URLs may carry credentials or tokens (Slack). */
  static URI httpUrl(String text) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid URL (" + e.getReason() + " at index " + e.getIndex()
          + "); expected an http(s) URL like http://127.0.0.1:9093");
    }
    if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "not an http(s) URL with a host; expected an http(s) URL like http://127.0.0.1:9093");
    }
    return uri;
  }

  /** A YAML-lowercase enum value, e.g. {@code seasonal} for {@code SEASONAL}. */
  static <E extends Enum<E>> Function<String, E> lowercaseEnum(Class<E> type, String what) {
    return text -> {
      for (E e : type.getEnumConstants()) {
        if (e.name().equalsIgnoreCase(text.strip())) {
          return e;
        }
      }
      List<String> names = new ArrayList<>();
      Arrays.stream(type.getEnumConstants()).forEach(e -> names.add(e.name().toLowerCase(Locale.ROOT)));
      throw new IllegalArgumentException(quote(text) + " is not a " + what + "; expected one of "
          + String.join(", ", names)
          + Suggest.closest(text.strip(), names).map(s -> " (did you mean " + s + "?)").orElse(""));
    };
  }
}
