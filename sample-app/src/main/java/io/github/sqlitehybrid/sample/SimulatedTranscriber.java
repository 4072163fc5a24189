package io.github.sqlitehybrid.sample;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/**
 * Stands in for a speech-to-text service: takes {@code sample.work-time}, fails for every episode whose
 * URL contains "fail" so tests know which jobs must fail, and for a share {@code sample.failure-rate} of
 * the others, as a real service now and then does.
 */
@Component
final class SimulatedTranscriber implements Transcriber {

    private static final String[] WORDS = {
        "welcome",
        "back",
        "to",
        "the",
        "show",
        "today",
        "we",
        "talk",
        "about",
        "databases",
        "that",
        "many",
        "threads",
        "write",
        "at",
        "once",
        "and",
        "why",
        "locks",
        "matter"
    };

    private final SampleProperties properties;

    SimulatedTranscriber(SampleProperties properties) {
        this.properties = properties;
    }

    @Override
    public Transcript transcribe(String episodeUrl) throws TranscriptionException, InterruptedException {
        Thread.sleep(this.properties.workTime().toMillis());
        if (episodeUrl.toLowerCase(Locale.ROOT).contains("fail")) {
            throw new TranscriptionException("Audio of " + episodeUrl + " cannot be decoded");
        }
        if (ThreadLocalRandom.current().nextDouble() < this.properties.failureRate()) {
            throw new TranscriptionException("Transcription service timed out on " + episodeUrl);
        }
        return Transcript.of(speech(episodeUrl));
    }

    /** Words that depend on the URL only, so that the same episode always gives the same transcript. */
    private static String speech(String episodeUrl) {
        int seed = episodeUrl.hashCode();
        int length = 20 + Math.floorMod(seed, 40);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(WORDS[Math.floorMod(seed + i * 31, WORDS.length)]);
        }
        return text.toString();
    }
}
