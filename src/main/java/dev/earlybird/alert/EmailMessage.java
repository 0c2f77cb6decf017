package dev.earlybird.alert;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A mail's subject, plain text and HTML for an alert or a morning review. Everything from the payload is
 * HTML-escaped in the HTML part (statement text is hostile), and only http(s) links are made clickable.
 */
record EmailMessage(String subject, String text, String html) {
  static final int MAX_SUBJECT = 200;
  static final int MAX_QUERY = 4000;

  static EmailMessage of(JsonNode payload) {
    return Payload.isReview(payload) ? review(Digest.of(payload)) : alert(AlertView.of(payload));
  }

  static EmailMessage alert(AlertView a) {
    Page p = new Page(a.title());
    p.paragraph(List.of(a.summary()));
    a.description().ifPresent(d -> p.paragraph(List.of(d)));
    p.list("Details", a.facts(), 0);
    if (!a.evidence().isEmpty()) {
      p.list("Evidence", a.evidence(), 0);
    }
    a.query().ifPresent(q -> p.code("Statement", Texts.cut(q, MAX_QUERY)));
    p.link(a.url());
    return p.done(a.title());
  }

  static EmailMessage review(Digest d) {
    Page p = new Page(d.subject());
    p.paragraph(d.context());
    for (Digest.Section s : d.sections()) {
      p.list(s.heading(), s.lines(), s.more());
    }
    p.link(d.url());
    return p.done(d.subject());
  }

  static String escapeHtml(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Builds the text and the HTML side by side so they say the same. */
  private static final class Page {
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder html = new StringBuilder();

    Page(String title) {
      text.append(Texts.oneLine(title)).append("\n\n");
      html.append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\"><h2>")
          .append(escapeHtml(Texts.oneLine(title))).append("</h2>\n");
    }

    void paragraph(List<String> lines) {
      text.append(String.join("\n", lines)).append("\n\n");
      html.append("<p>");
      html.append(String.join("<br>\n", lines.stream().map(EmailMessage::escapeHtml).toList()));
      html.append("</p>\n");
    }

    void list(String heading, List<String> items, int more) {
      text.append(heading).append(":\n");
      html.append("<h3>").append(escapeHtml(heading)).append("</h3>\n<ul>\n");
      for (String i : items) {
        text.append("  - ").append(i).append('\n');
        html.append("<li>").append(escapeHtml(i)).append("</li>\n");
      }
      if (more > 0) {
        text.append("  and ").append(more).append(" more\n");
        html.append("<li><em>and ").append(more).append(" more</em></li>\n");
      }
      text.append('\n');
      html.append("</ul>\n");
    }

    void code(String heading, String body) {
      text.append(heading).append(":\n").append(body).append("\n\n");
      html.append("<h3>").append(escapeHtml(heading)).append("</h3>\n<pre>").append(escapeHtml(body))
          .append("</pre>\n");
    }

    void link(Optional<String> url) {
      url.filter(u -> u.toLowerCase(Locale.ROOT).startsWith("https://") || u.toLowerCase(Locale.ROOT).startsWith("http://"))
          .ifPresent(u -> {
            text.append("Open in Earlybird: ").append(u).append('\n');
            html.append("<p><a href=\"").append(escapeHtml(u)).append("\">Open in Earlybird</a></p>\n");
          });
    }

    EmailMessage done(String subject) {
      html.append("</body></html>\n");
      return new EmailMessage(Texts.cut(Texts.oneLine(subject), MAX_SUBJECT), text.toString(), html.toString());
    }
  }
}
