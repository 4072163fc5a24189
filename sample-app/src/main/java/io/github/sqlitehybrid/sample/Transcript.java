package io.github.sqlitehybrid.sample;

/**
 * The text of an episode, as a transcriber made it.
 *
 * @param text the words spoken
 * @param wordCount how many words {@code text} holds
 */
public record Transcript(String text, int wordCount) {

    /**
     * A transcript of the given text, its words counted.
     * @param text the words spoken
     * @return the transcript
     */
    public static Transcript of(String text) {
        String trimmed = text.strip();
        return new Transcript(text, trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length);
    }
}
