package io.github.sqlitehybrid.sample;

/** An episode could not be transcribed; its job fails with this message. */
public class TranscriptionException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Create a new exception.
     * @param message why the episode could not be transcribed
     */
    public TranscriptionException(String message) {
        super(message);
    }
}
