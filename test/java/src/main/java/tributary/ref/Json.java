package tributary.ref;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.kstream.Windowed;

/** Minimal JSON writer: objects/arrays nested shallower than {@code prettyDepth} are broken over lines. */
final class Json {
    private Json() {}

    static String write(Object o, int prettyDepth) {
        StringBuilder sb = new StringBuilder();
        write(sb, o, 0, prettyDepth);
        sb.append('\n');
        return sb.toString();
    }

    private static void indent(StringBuilder sb, int n) {
        sb.append('\n');
        for (int i = 0; i < n; i++) sb.append("  ");
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder sb, Object o, int depth, int prettyDepth) {
        boolean pretty = depth < prettyDepth;
        if (o == null) {
            sb.append("null");
        } else if (o instanceof String s) {
            str(sb, s);
        } else if (o instanceof Long || o instanceof Integer || o instanceof Short) {
            sb.append(o.toString());
        } else if (o instanceof Double d) {
            sb.append(d.toString());
        } else if (o instanceof Boolean b) {
            sb.append(b.toString());
        } else if (o instanceof Windowed<?> w) {
            Map<String, Object> win = new java.util.LinkedHashMap<>();
            win.put("start", w.window().start());
            win.put("end", w.window().end());
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("key", w.key());
            m.put("window", win);
            write(sb, m, depth, prettyDepth);
        } else if (o instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(pretty ? "," : ", ");
                first = false;
                if (pretty) indent(sb, depth + 1);
                str(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                write(sb, e.getValue(), depth + 1, prettyDepth);
            }
            if (pretty && !m.isEmpty()) indent(sb, depth);
            sb.append('}');
        } else if (o instanceof List<?> l) {
            sb.append('[');
            boolean first = true;
            for (Object e : l) {
                if (!first) sb.append(pretty ? "," : ", ");
                first = false;
                if (pretty) indent(sb, depth + 1);
                write(sb, e, depth + 1, prettyDepth);
            }
            if (pretty && !l.isEmpty()) indent(sb, depth);
            sb.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + o.getClass() + ": " + o);
        }
    }

    private static void str(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
