package io.github.sqlitehybrid.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The stand-in for a speech-to-text service: which episodes fail, and what a transcript holds. */
class SimulatedTranscriberTests {

    @Test
    void episodesWhoseUrlSaysFailAlwaysFail() {
        SimulatedTranscriber transcriber = transcriber(0.0);

        assertThatExceptionOfType(TranscriptionException.class)
                .isThrownBy(() -> transcriber.transcribe("https://pod.example/FAIL-7.mp3"))
                .withMessageContaining("FAIL-7");
    }

    @Test
    void aFailureRateOfOneFailsEveryEpisode() {
        assertThatExceptionOfType(TranscriptionException.class)
                .isThrownBy(() -> transcriber(1.0).transcribe("https://pod.example/1.mp3"));
    }

    @Test
    void theSameEpisodeGivesTheSameTranscriptWithItsWordsCounted() throws Exception {
        SimulatedTranscriber transcriber = transcriber(0.0);

        Transcript transcript = transcriber.transcribe("https://pod.example/1.mp3");

        assertThat(transcript).isEqualTo(transcriber.transcribe("https://pod.example/1.mp3"));
        assertThat(transcript.wordCount())
                .isBetween(20, 59)
                .isEqualTo(transcript.text().split(" ").length);
    }

    private static SimulatedTranscriber transcriber(double failureRate) {
        return new SimulatedTranscriber(new SampleProperties(
                1, Duration.ofMillis(50), Duration.ZERO, failureRate, Duration.ofSeconds(1), Duration.ofSeconds(30)));
    }
}
