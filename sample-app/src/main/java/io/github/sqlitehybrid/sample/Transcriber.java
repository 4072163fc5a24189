package io.github.sqlitehybrid.sample;

/**
 * Turns an episode's audio into text: the slow, external part of a job, which workers call outside any
 * database transaction so that no lock is held while it runs.
 */
public interface Transcriber {

    /**
     * Transcribe one episode.
     * @param episodeUrl where the episode's audio is
     * @return the transcript
     * @throws TranscriptionException when the episode cannot be transcribed; the job fails with its message
     * @throws InterruptedException when the worker is told to stop at once
     */
    Transcript transcribe(String episodeUrl) throws TranscriptionException, InterruptedException;
}
