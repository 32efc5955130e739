package org.tasksync.adapter.graph.internal;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain text in and out of To Do's HTML body. {@link #toHtml} and {@link #toText} are exact
 * inverses for any text, so a CRM comment reads back as it was written and the engine never sees
 * its own write as an edit: line feeds become {@code <br>}, carriage returns {@code &#13;}, and the
 * five characters HTML gives meaning to become entities. {@link #toText} also reads the HTML that
 * To Do itself writes (a document with {@code <p>} and {@code <div>} blocks) as the text a user sees.
 */
public final class HtmlText {

    private static final Pattern DROPPED_BLOCKS = Pattern.compile(
            "(?is)<(head|style|script|title)\\b[^>]*>.*?</\\1\\s*>|<!--.*?-->|<!doctype[^>]*>");
    private static final Pattern BODY = Pattern.compile("(?is)<body\\b[^>]*>(.*?)(</body\\s*>|$)");
    private static final Pattern BREAK = Pattern.compile("(?i)<br\\s*/?>");
    private static final Pattern BLOCK_END = Pattern.compile("(?i)</(p|div|li|h[1-6]|tr|blockquote|pre)\\s*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});");
    private static final Map<String, String> NAMED = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'",
            "nbsp", " ");

    private HtmlText() {
    }

    /** The text as HTML that shows it as it is (line breaks included). */
    public static String toHtml(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '\n' -> b.append("<br>");
                case '\r' -> b.append("&#13;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** The text an HTML body shows: tags dropped, breaks and blocks as line feeds, entities decoded. */
    public static String toText(String html) {
        String s = DROPPED_BLOCKS.matcher(html).replaceAll("");
        Matcher body = BODY.matcher(s);
        if (body.find()) {
            s = body.group(1);
        }
        // line breaks in HTML source are layout, not content; <br> and entities carry ours
        s = s.replaceAll("\\r?\\n\\s*(?=<)|(?<=>)\\r?\\n", "").replace("\r", "").replace('\n', ' ');
        s = BREAK.matcher(s).replaceAll("\n");
        Matcher blocks = BLOCK_END.matcher(s);
        boolean hadBlocks = blocks.find();
        if (hadBlocks) {
            s = blocks.replaceAll("\n");
        }
        s = TAG.matcher(s).replaceAll("");
        if (hadBlocks && s.endsWith("\n")) {
            s = s.substring(0, s.length() - 1);
        }
        return decodeEntities(s);
    }

    private static String decodeEntities(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            String name = m.group(1);
            String replacement;
            if (name.startsWith("#x") || name.startsWith("#X")) {
                replacement = codePoint(Integer.parseInt(name.substring(2), 16), m.group());
            } else if (name.startsWith("#")) {
                replacement = codePoint(Integer.parseInt(name.substring(1)), m.group());
            } else {
                replacement = NAMED.getOrDefault(name, m.group());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String codePoint(int cp, String original) {
        return Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : original;
    }
}
