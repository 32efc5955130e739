package org.tasksync.adapter.jdbccrm.probe;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.tasksync.adapter.jdbccrm.CrmDialect;
import org.tasksync.adapter.jdbccrm.probe.CrmProbe.Access;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Asks the database for the plan of a statement the way each one offers it, and reads from the
 * plan which tables it reads whole and which indexes it uses: H2's {@code EXPLAIN}, PostgreSQL's
 * {@code EXPLAIN}, SQL Server's {@code SET SHOWPLAN_XML ON}, Oracle's {@code EXPLAIN PLAN} into
 * {@code PLAN_TABLE}. The statement itself is not run (H2 and PostgreSQL plan without executing;
 * SQL Server does not execute while SHOWPLAN is on; EXPLAIN PLAN only writes the plan table, and
 * the probe rolls back).
 */
final class Plans {

    /** A plan: its text as the database gave it and what it reads. */
    record Plan(String text, List<Access> accesses) {
    }

    private Plans() {
    }

    static Plan explain(CrmDialect dialect, Connection c, RecordingDataSource.Executed e, int number)
            throws SQLException {
        switch (dialect) {
            case H2:
                return h2(query(c, e, "EXPLAIN " + e.sql()));
            case POSTGRESQL:
                return postgres(query(c, e, "EXPLAIN " + e.sql()));
            case SQLSERVER:
                return sqlServer(showplan(c, e));
            case ORACLE:
                return oracle(c, e, number);
            default:
                throw new IllegalArgumentException(dialect.name());
        }
    }

    private static String query(Connection c, RecordingDataSource.Executed e, String text) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement ps = e.prepareAgain(c, text); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    // --- H2 ----------------------------------------------------------------------------------------

    /** "FROM "PUBLIC"."A1_TASK" /* PUBLIC.A1_TASK_MODIFIED: MODIFIED_AT >= ?1 *&#47;", "/* PUBLIC.A1_TASK.tableScan *&#47;". */
    private static final Pattern H2_ACCESS = Pattern.compile(
            "(?:FROM|UPDATE|JOIN)\\s+(?:\"?\\w+\"?\\.)?\"?(\\w+)\"?(?:\\s+\"?\\w+\"?)?\\s*/\\* (?:\\w+\\.)?(\\w+?)(?:\\.(tableScan))?(: [^*]*)? \\*/(\\s*/\\* direct lookup \\*/)?");

    static Plan h2(String text) {
        List<Access> out = new ArrayList<>();
        Matcher m = H2_ACCESS.matcher(text);
        while (m.find()) {
            String table = m.group(1);
            boolean tableScan = m.group(3) != null;
            String condition = m.group(4) == null ? "" : m.group(4).substring(2).trim();
            boolean directLookup = m.group(5) != null;
            if (tableScan) {
                // "tableScan: FALSE" is the column-type probe's WHERE 1 = 0: nothing is read
                if (!condition.equals("FALSE")) {
                    out.add(new Access(table, null, true));
                }
            } else {
                // an index walked in its order under a row limit ("index sorted") stops after the limit
                int next = text.indexOf(" FROM ", m.end());
                String rest = text.substring(m.end(), next < 0 ? text.length() : next);
                boolean bounded = directLookup || rest.contains("/* index sorted */") && rest.contains(" ROWS ONLY");
                out.add(new Access(table, m.group(2), condition.isEmpty() && !bounded));
            }
        }
        return new Plan(text, out);
    }

    // --- PostgreSQL --------------------------------------------------------------------------------

    private static final Pattern PG_SEQ = Pattern.compile("Seq Scan on (\\w+)");
    private static final Pattern PG_INDEX = Pattern.compile("Index (?:Only )?Scan(?: Backward)? using (\\w+) on (\\w+)");
    private static final Pattern PG_BITMAP = Pattern.compile("Bitmap Index Scan on (\\w+)");
    private static final Pattern PG_HEAP = Pattern.compile("Bitmap Heap Scan on (\\w+)");

    static Plan postgres(String text) {
        List<Access> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m;
            if ((m = PG_SEQ.matcher(line)).find()) {
                out.add(new Access(m.group(1), null, true));
            } else if ((m = PG_INDEX.matcher(line)).find()) {
                // an index walked without an Index Cond reads it whole (Filter only)
                out.add(new Access(m.group(2), m.group(1), false));
            } else if ((m = PG_BITMAP.matcher(line)).find()) {
                Matcher heap = PG_HEAP.matcher(text);
                out.add(new Access(heap.find() ? heap.group(1) : null, m.group(1), false));
            }
        }
        return new Plan(text, out);
    }

    // --- SQL Server --------------------------------------------------------------------------------

    private static String showplan(Connection c, RecordingDataSource.Executed e) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET SHOWPLAN_XML ON");
        }
        try {
            StringBuilder xml = new StringBuilder();
            try (PreparedStatement ps = e.prepareAgain(c, e.sql())) {
                // with SHOWPLAN_XML on, the server returns the plan as a result set instead of running it
                boolean results = ps.execute();
                while (true) {
                    if (results) {
                        try (ResultSet rs = ps.getResultSet()) {
                            while (rs.next()) {
                                xml.append(rs.getString(1));
                            }
                        }
                    } else if (ps.getUpdateCount() == -1) {
                        break;
                    }
                    results = ps.getMoreResults();
                }
            }
            return xml.toString();
        } finally {
            try (Statement st = c.createStatement()) {
                st.execute("SET SHOWPLAN_XML OFF");
            }
        }
    }

    /**
     * Reads the RelOp elements of a showplan: a Table Scan, a Clustered Index Scan or an Index Scan
     * reads the table (or a whole index of it); a Seek uses the index.
     */
    static Plan sqlServer(String xml) {
        List<Access> out = new ArrayList<>();
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder b = f.newDocumentBuilder();
            Document doc = b.parse(new InputSource(new StringReader(xml)));
            NodeList ops = doc.getElementsByTagName("RelOp");
            for (int i = 0; i < ops.getLength(); i++) {
                Element op = (Element) ops.item(i);
                String physical = op.getAttribute("PhysicalOp");
                if (!physical.contains("Scan") && !physical.contains("Seek")) {
                    continue;
                }
                Element object = firstObject(op);
                if (object == null) {
                    continue;
                }
                String table = unbracket(object.getAttribute("Table"));
                String index = unbracket(object.getAttribute("Index"));
                boolean whole = physical.equals("Table Scan") || physical.endsWith("Index Scan");
                out.add(new Access(table, index.isEmpty() ? null : index, whole));
            }
        } catch (ParserConfigurationException | SAXException | java.io.IOException e) {
            return new Plan(xml, List.of());
        }
        return new Plan(xml, out);
    }

    /** The Object of the operator's own IndexScan or TableScan child, not of an operator below it. */
    private static Element firstObject(Element relOp) {
        NodeList children = relOp.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element child
                    && (child.getTagName().equals("IndexScan") || child.getTagName().equals("TableScan"))) {
                NodeList objects = child.getElementsByTagName("Object");
                return objects.getLength() == 0 ? null : (Element) objects.item(0);
            }
        }
        return null;
    }

    private static String unbracket(String name) {
        return name == null ? "" : name.replace("[", "").replace("]", "");
    }

    // --- Oracle ------------------------------------------------------------------------------------

    private static Plan oracle(Connection c, RecordingDataSource.Executed e, int number) throws SQLException {
        String id = "tasksync-probe-" + number;
        // EXPLAIN PLAN takes bind variables without values; JDBC's ? become Oracle's :1, :2, ...
        try (Statement st = c.createStatement()) {
            st.execute("EXPLAIN PLAN SET STATEMENT_ID = '" + id + "' FOR " + numberedBinds(e.sql()));
        }
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT operation, options, object_name FROM plan_table"
                + " WHERE statement_id = ? ORDER BY id")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
        }
        return oracle(rows);
    }

    /** Rows of PLAN_TABLE (operation, options, object name): TABLE ACCESS FULL and INDEX (FAST) FULL SCAN read whole. */
    static Plan oracle(List<String[]> rows) {
        List<Access> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String[] r : rows) {
            String operation = r[0] == null ? "" : r[0];
            String options = r[1] == null ? "" : r[1];
            String object = r[2];
            text.append(operation).append(' ').append(options).append(' ').append(object == null ? "" : object)
                    .append('\n');
            if (operation.equals("TABLE ACCESS") && options.equals("FULL")) {
                out.add(new Access(object, null, true));
            } else if (operation.equals("INDEX")) {
                out.add(new Access(null, object, options.contains("FULL SCAN")));
            }
        }
        return new Plan(text.toString(), out);
    }

    /** {@code ?} outside string literals as {@code :1}, {@code :2}, ... */
    static String numberedBinds(String sql) {
        StringBuilder out = new StringBuilder();
        boolean quoted = false;
        int n = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '\'') {
                quoted = !quoted;
            }
            if (ch == '?' && !quoted) {
                out.append(':').append(++n);
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
