package org.tasksync.testkit.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The part of OData's {@code $filter} that the simulator understands: {@code eq}, {@code ne},
 * {@code and}, {@code or}, parentheses and the lambda {@code collection/any(x: x/prop eq 'v')},
 * over string, boolean and null literals. Anything else is a parse error, which the simulator
 * answers with 400 as Graph does for a filter it does not support.
 */
final class ODataFilter {

    /** A parsed filter, evaluated against an entity's JSON (expanded navigation properties included). */
    interface Predicate {
        boolean test(JsonNode entity);
    }

    static final class ParseException extends RuntimeException {
        ParseException(String message) {
            super(message);
        }
    }

    private final List<String> tokens;
    private int pos;

    private ODataFilter(String text) {
        this.tokens = tokenize(text);
    }

    static Predicate parse(String text) {
        ODataFilter p = new ODataFilter(text);
        Predicate result = p.or(null);
        if (p.pos != p.tokens.size()) {
            throw new ParseException("unexpected '" + p.tokens.get(p.pos) + "' in filter");
        }
        return result;
    }

    private Predicate or(String lambdaVar) {
        Predicate left = and(lambdaVar);
        while (peek("or")) {
            pos++;
            Predicate l = left;
            Predicate r = and(lambdaVar);
            left = e -> l.test(e) || r.test(e);
        }
        return left;
    }

    private Predicate and(String lambdaVar) {
        Predicate left = factor(lambdaVar);
        while (peek("and")) {
            pos++;
            Predicate l = left;
            Predicate r = factor(lambdaVar);
            left = e -> l.test(e) && r.test(e);
        }
        return left;
    }

    private Predicate factor(String lambdaVar) {
        if (peek("(")) {
            pos++;
            Predicate inner = or(lambdaVar);
            expect(")");
            return inner;
        }
        if (peek("not")) {
            pos++;
            Predicate inner = factor(lambdaVar);
            return e -> !inner.test(e);
        }
        String path = next();
        if (path.endsWith("/any")) {
            String collection = path.substring(0, path.length() - 4);
            expect("(");
            String var = next();
            expect(":");
            Predicate inner = or(var);
            expect(")");
            return e -> {
                JsonNode c = navigate(e, collection);
                if (c == null || !c.isArray()) {
                    return false;
                }
                for (JsonNode item : c) {
                    if (inner.test(item)) {
                        return true;
                    }
                }
                return false;
            };
        }
        String property = path;
        if (lambdaVar != null) {
            if (!path.startsWith(lambdaVar + "/")) {
                throw new ParseException("inside any(), properties must start with '" + lambdaVar + "/': " + path);
            }
            property = path.substring(lambdaVar.length() + 1);
        }
        String op = next();
        if (!op.equals("eq") && !op.equals("ne")) {
            throw new ParseException("unsupported operator '" + op + "' (the simulator knows eq and ne)");
        }
        JsonNode literal = literal(next());
        String prop = property;
        boolean eq = op.equals("eq");
        return e -> {
            JsonNode v = navigate(e, prop);
            boolean same = v == null || v.isNull() ? literal.isNull() : !literal.isNull() && sameValue(v, literal);
            return eq == same;
        };
    }

    private static boolean sameValue(JsonNode v, JsonNode literal) {
        if (literal.isBoolean()) {
            return v.isBoolean() && v.booleanValue() == literal.booleanValue();
        }
        return v.isValueNode() && v.asText().equalsIgnoreCase(literal.asText());
    }

    private static JsonNode literal(String token) {
        if (token.startsWith("'")) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(
                    token.substring(1, token.length() - 1).replace("''", "'"));
        }
        switch (token) {
            case "true": return com.fasterxml.jackson.databind.node.BooleanNode.TRUE;
            case "false": return com.fasterxml.jackson.databind.node.BooleanNode.FALSE;
            case "null": return com.fasterxml.jackson.databind.node.NullNode.getInstance();
            default: throw new ParseException("unsupported literal " + token);
        }
    }

    private static JsonNode navigate(JsonNode e, String path) {
        JsonNode cur = e;
        for (String part : path.split("/")) {
            if (cur == null || !cur.isObject()) {
                return null;
            }
            cur = cur.get(part);
        }
        return cur;
    }

    private boolean peek(String t) {
        return pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(t);
    }

    private String next() {
        if (pos >= tokens.size()) {
            throw new ParseException("filter ends too early");
        }
        return tokens.get(pos++);
    }

    private void expect(String t) {
        String got = next();
        if (!Objects.equals(got, t)) {
            throw new ParseException("expected '" + t + "' but found '" + got + "'");
        }
    }

    private static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')' || c == ':') {
                out.add(String.valueOf(c));
                i++;
            } else if (c == '\'') {
                int j = i + 1;
                StringBuilder b = new StringBuilder("'");
                while (true) {
                    if (j >= s.length()) {
                        throw new ParseException("unterminated string in filter");
                    }
                    if (s.charAt(j) == '\'') {
                        if (j + 1 < s.length() && s.charAt(j + 1) == '\'') {
                            b.append("''");
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    b.append(s.charAt(j++));
                }
                out.add(b.append('\'').toString());
                i = j + 1;
            } else {
                int j = i;
                while (j < s.length() && !Character.isWhitespace(s.charAt(j)) && "():'".indexOf(s.charAt(j)) < 0) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        return out;
    }
}
