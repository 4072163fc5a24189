package io.github.sqlitehybrid.sample;

import java.time.Instant;

/**
 * One episode to transcribe, as stored.
 *
 * @param id the job's id
 * @param episodeUrl where the episode's audio is
 * @param status where the job is in its life
 * @param attempts how many times a worker claimed it
 * @param worker the worker that claimed it last, {@code null} while it was never claimed
 * @param error why it failed, {@code null} unless it failed
 * @param createdAt when it was queued
 * @param updatedAt when its status last changed
 * @param transcript its transcript, {@code null} unless it completed
 */
public record Job(
        long id,
        String episodeUrl,
        JobStatus status,
        int attempts,
        String worker,
        String error,
        Instant createdAt,
        Instant updatedAt,
        Transcript transcript) {}
