package io.github.sqlitehybrid.sample;

/**
 * A job a worker has just moved from queued to running, and so owns until it completes it.
 *
 * @param id the job's id
 * @param episodeUrl where the episode's audio is
 * @param worker the worker that owns it
 */
public record ClaimedJob(long id, String episodeUrl, String worker) {}
