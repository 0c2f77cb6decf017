package dev.earlybird.alert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * Slack Block Kit messages for an alert and for a morning review, within Slack's limits: at most 50 blocks, 3,000
 * characters per section text, 150 per header, and the whole message well under the ~12,000 characters where Slack
 * starts refusing. Everything from the payload is escaped for mrkdwn ({@code & < >}), so a statement's text can
 * neither mention {@code <!channel>} nor forge a link.
 */
final class SlackMessage {
  static final int MAX_BLOCKS = 50;
  static final int MAX_SECTION = 3000;
  static final int MAX_HEADER = 150;
  static final int MAX_FALLBACK = 300;
  /** All section texts together; leaves room for the JSON around them under 12,000. */
  static final int TEXT_BUDGET = 9000;
  static final int MAX_QUERY = 1000;

  private SlackMessage() {}

  static ObjectNode alert(AlertView a) {
    Builder b = new Builder();
    b.header((a.firing() ? "FIRING: " : "RESOLVED: ") + a.severity() + " " + a.labels().getOrDefault("kind", "finding")
        + " on " + a.where());
    b.section(escape(a.summary()) + a.description().map(d -> "\n" + escape(d)).orElse(""));
    b.section("Details", a.facts(), 0);
    if (!a.evidence().isEmpty()) {
      b.section("Evidence", a.evidence(), 0);
    }
    // Inside a code block Slack still reads & < >; a backtick could close it, so it becomes a quote.
    a.query().ifPresent(q -> b.section("*Statement*\n```" + escape(Texts.cut(q, MAX_QUERY)).replace('`', '\'') + "```"));
    link(b, a.url());
    return b.build(a.title());
  }

  static ObjectNode digest(Digest d) {
    Builder b = new Builder();
    b.header("Earlybird morning review");
    b.section("*" + escape(d.subject()) + "*\n" + escape(String.join("\n", d.context())));
    for (Digest.Section s : d.sections()) {
      b.section(s.heading(), s.lines(), s.more());
    }
    link(b, d.url());
    return b.build(d.subject());
  }

  private static void link(Builder b, Optional<String> url) {
    url.ifPresent(u -> b.section("<" + escape(u).replace("|", "%7C") + "|Open in Earlybird>"));
  }

  /** Slack's mrkdwn control characters. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Cuts escaped text without leaving half an entity such as {@code &am}. */
  static String cutEscaped(String escaped, int max) {
    String cut = Texts.cut(escaped, max);
    if (cut.length() == escaped.length()) {
      return cut;
    }
    String body = cut.substring(0, cut.length() - Texts.ELLIPSIS.length());
    int amp = body.lastIndexOf('&');
    if (amp >= 0 && body.indexOf(';', amp) < 0) {
      body = body.substring(0, amp);
    }
    return body + Texts.ELLIPSIS;
  }

  /** Collects blocks and keeps them within the limits. */
  private static final class Builder {
    private final ArrayNode blocks = Payload.JSON.createArrayNode();
    private int budget = TEXT_BUDGET;

    void header(String text) {
      ObjectNode h = blocks.addObject().put("type", "header");
      h.putObject("text").put("type", "plain_text").put("text", Texts.cut(Texts.oneLine(text), MAX_HEADER));
    }

    /** A bold heading and bullet items that fit whole, then "and N more" for the rest (and {@code more}). */
    void section(String heading, List<String> items, int more) {
      int limit = Math.min(MAX_SECTION, budget) - 40; // room for "and N more"
      StringBuilder s = new StringBuilder("*" + escape(heading) + "*");
      int shown = 0;
      for (String item : items) {
        String line = "\n• " + escape(item);
        if (s.length() + line.length() > limit) {
          if (shown == 0) {
            s.append(cutEscaped(line, Math.max(1, limit - s.length())));
            shown = 1;
          }
          break;
        }
        s.append(line);
        shown++;
      }
      int rest = items.size() - shown + more;
      if (rest > 0) {
        s.append("\n_and ").append(rest).append(" more_");
      }
      section(s.toString());
    }

    void section(String mrkdwn) {
      if (blocks.size() >= MAX_BLOCKS || budget < 50) {
        return;
      }
      String text = cutEscaped(mrkdwn, Math.min(MAX_SECTION, budget));
      budget -= text.length();
      blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", text);
    }

    ObjectNode build(String fallback) {
      ObjectNode m = Payload.JSON.createObjectNode();
      m.put("text", cutEscaped(escape(Texts.oneLine(fallback)), MAX_FALLBACK));
      m.set("blocks", blocks);
      return m;
    }
  }
}
