package io.github.sqlitehybrid.writer;

import java.util.Locale;
import java.util.Set;

/**
 * What a SQL statement does to the write lock, judged from its text: whether an auto-commit statement
 * needs the write turn, and whether it opens or closes a transaction by hand.
 *
 * <p>Errs towards {@link #WRITE}: an unknown statement takes the turn, which costs a little waiting but
 * never a lock error.
 */
enum SqlStatementKind {

    /** Only reads: {@code SELECT}, {@code VALUES}, {@code EXPLAIN}, a {@code WITH} that only selects, a PRAGMA query. */
    READ,

    /** Writes, or may write: the turn is taken for its execution. */
    WRITE,

    /**
     * {@code BEGIN}, or a {@code SAVEPOINT} outside a transaction (which opens one): a transaction opened by
     * hand; the turn is held until it ends.
     */
    BEGIN,

    /** {@code COMMIT}, {@code END} or {@code ROLLBACK} (not {@code ROLLBACK TO}): a transaction ends. */
    END;

    private static final Set<String> WRITING_WORDS = Set.of("INSERT", "UPDATE", "DELETE", "REPLACE", "UPSERT");

    /** PRAGMAs that change the database when called without {@code =}. */
    private static final Set<String> WRITING_PRAGMAS = Set.of("INCREMENTAL_VACUUM", "WAL_CHECKPOINT", "OPTIMIZE");

    /**
     * Classify a statement.
     * @param sql the statement's text
     * @return its kind
     */
    public static SqlStatementKind of(String sql) {
        String text = stripLeadingCommentsAndParentheses(sql);
        String first = firstWord(text);
        return switch (first) {
            case "SELECT", "VALUES", "EXPLAIN" -> READ;
            case "WITH" -> containsWritingWord(text) ? WRITE : READ;
            case "PRAGMA" -> (text.indexOf('=') >= 0 || WRITING_PRAGMAS.contains(pragmaName(text))) ? WRITE : READ;
            case "BEGIN", "SAVEPOINT" -> BEGIN;
            case "COMMIT", "END" -> END;
            case "ROLLBACK" ->
                text.toUpperCase(Locale.ROOT).matches("ROLLBACK\\s+(TRANSACTION\\s+)?TO\\b.*") ? WRITE : END;
            default -> WRITE;
        };
    }

    /**
     * Whether a statement cannot run inside a transaction, or does not do inside one what it says:
     * {@code VACUUM}, {@code ATTACH}, {@code DETACH}, and PRAGMAs that write ({@code journal_mode} fails in a
     * transaction, {@code foreign_keys} does nothing there).
     * @param sql the statement's text
     * @return {@code true} for such a statement
     */
    static boolean runsOutsideTransactions(String sql) {
        String text = stripLeadingCommentsAndParentheses(sql);
        return switch (firstWord(text)) {
            case "VACUUM", "ATTACH", "DETACH", "PRAGMA" -> true;
            default -> false;
        };
    }

    private static String stripLeadingCommentsAndParentheses(String sql) {
        int i = 0;
        int length = sql.length();
        while (i < length) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = (end < 0) ? length : end + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = (end < 0) ? length : end + 2;
            } else {
                break;
            }
        }
        return sql.substring(i);
    }

    private static String pragmaName(String text) {
        String rest = text.substring("PRAGMA".length()).trim();
        String name = firstWord(rest);
        String afterName = rest.substring(name.length()).trim();
        // schema.pragma_name: the name is the word after the dot.
        return afterName.startsWith(".") ? firstWord(afterName.substring(1).trim()) : name;
    }

    private static String firstWord(String text) {
        int end = 0;
        while (end < text.length() && (Character.isLetter(text.charAt(end)) || text.charAt(end) == '_')) {
            end++;
        }
        return text.substring(0, end).toUpperCase(Locale.ROOT);
    }

    private static boolean containsWritingWord(String text) {
        // Outside string literals and quoted names: a word such as 'update' in a value must not count.
        StringBuilder word = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (c == '\'' || c == '"' || c == '`' || c == '[') {
                quote = (c == '[') ? ']' : c;
                word.setLength(0);
                continue;
            }
            if (Character.isLetter(c)) {
                word.append(c);
                continue;
            }
            if (WRITING_WORDS.contains(word.toString().toUpperCase(Locale.ROOT))) {
                return true;
            }
            word.setLength(0);
        }
        return WRITING_WORDS.contains(word.toString().toUpperCase(Locale.ROOT));
    }
}
