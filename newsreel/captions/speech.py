"""Speech recognition: one small engine interface, the PocketSphinx engine, and the job that runs it.

Django-free: `recognise_job` runs in a child process (media.isolated), like every media job, so a decoder's
memory goes back to the system when it ends and a stuck one can be killed.

An engine is a name and one method, `recognise(audio_path, language) -> list[Word]`, given a 16 kHz mono
16-bit WAV file. To add one (a Whisper model in a local folder, say), write a class with that method, add it
to ENGINES, and name it for a language in NEWSREEL_SPEECH_ENGINES ("fr:whisper"); callers do not change.
"""

from __future__ import annotations

import importlib.util
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import av

from newsreel.media.safeio import DamagedMedia, UnsupportedMedia, open_input

SAMPLE_RATE = 16_000
Progress = Callable[[float], None]


@dataclass(frozen=True)
class Word:
    start: Fraction  # seconds from the start of the audio
    end: Fraction
    text: str


class Engine(Protocol):
    name: str

    def available(self, language: str) -> bool:
        """Whether this engine can recognise the language on this machine (its model is installed)."""

    def recognise(self, audio_path: Path, language: str, progress: Progress | None = None) -> list[Word]:
        """The words spoken in a 16 kHz mono 16-bit WAV file, with their times."""


class PocketSphinx:
    """CMU PocketSphinx: its PyPI package ships a US English model, so it runs here without a download."""

    name = "pocketsphinx"
    # Markers of silence and noise the decoder reports as "words".
    _NOT_WORDS = frozenset({"<s>", "</s>", "<sil>", "[noise]", "[speech]", "[laugh]", "[breath]", "[cough]"})

    def available(self, language: str) -> bool:
        return language == "en" and importlib.util.find_spec("pocketsphinx") is not None

    def recognise(self, audio_path: Path, language: str, progress: Progress | None = None) -> list[Word]:
        from pocketsphinx import Decoder, Segmenter

        # Each stretch of speech (found by voice activity detection) is decoded as one whole utterance: the
        # decoder then normalises the sound over the whole stretch, which recognises far better than a
        # running normalisation from the first block (9 words in 10 wrong on the test sentence, against 3).
        decoder = Decoder(samprate=SAMPLE_RATE, loglevel="FATAL")
        frate = int(decoder.config["frate"])  # decoder frames per second (100)
        words: list[Word] = []
        with wave.open(str(audio_path), "rb") as audio:
            total = Fraction(audio.getnframes() or 1, SAMPLE_RATE)
            for speech in Segmenter(sample_rate=SAMPLE_RATE).segment(audio.getfp()):
                decoder.start_utt()
                decoder.process_raw(speech.pcm, full_utt=True)
                decoder.end_utt()
                offset = Fraction(speech.start_time).limit_denominator(SAMPLE_RATE)
                words += self._words(decoder, offset, frate)
                if progress:
                    progress(min(0.99, float(Fraction(speech.end_time) / total)))
        return words

    def _words(self, decoder: Any, offset: Fraction, frate: int) -> list[Word]:
        words = []
        for segment in decoder.seg():
            text = segment.word.split("(")[0]  # "read(2)": an alternative pronunciation of "read"
            if not text or text.lower() in self._NOT_WORDS:
                continue
            words.append(Word(offset + Fraction(segment.start_frame, frate),
                              offset + Fraction(segment.end_frame + 1, frate), text))
        return words


ENGINES: dict[str, Engine] = {"pocketsphinx": PocketSphinx()}


def extract_audio(source: Path, target: Path, progress: Progress | None = None) -> None:
    """The first audio stream of a media file as a 16 kHz mono 16-bit WAV file (what the engines read)."""
    with open_input(source) as container:
        if not container.streams.audio:
            raise UnsupportedMedia(f"{source.name}: this file has no sound")
        stream = container.streams.audio[0]
        duration = float(container.duration or 0) / av.time_base
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        with wave.open(str(target), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)
            try:
                for frame in container.decode(stream):
                    for converted in resampler.resample(frame):
                        out.writeframes(bytes(converted.planes[0])[: converted.samples * 2])
                    if progress and duration and frame.time is not None:
                        progress(min(1.0, frame.time / duration))
                for converted in resampler.resample(None):
                    out.writeframes(bytes(converted.planes[0])[: converted.samples * 2])
            except av.FFmpegError as exc:
                raise DamagedMedia(f"{source.name}: the sound cannot be decoded ({exc})") from exc


def recognise_job(*, report: Callable[[str, Any], None], source: str, language: str, engine: str) -> list[Word]:
    """The child's job: decode the sound (the first tenth of the progress), then recognise it."""
    chosen = ENGINES[engine]
    with tempfile.TemporaryDirectory(prefix="newsreel-speech-") as folder:
        wav = Path(folder) / "speech.wav"
        extract_audio(Path(source), wav, lambda f: report("progress", f * 0.1))
        return chosen.recognise(wav, language, lambda f: report("progress", 0.1 + f * 0.9))


def group_words(words: list[Word], *, max_chars: int = 84, max_seconds: Fraction = Fraction(6),
                pause: Fraction = Fraction(7, 10)) -> list[tuple[Fraction, Fraction, str]]:
    """Words as caption cues: a new cue after a pause, or when a cue would pass two lines of 42 characters
    (the usual broadcast limit) or six seconds."""
    cues: list[tuple[Fraction, Fraction, str]] = []
    current: list[Word] = []
    for word in words:
        if current and (word.start - current[-1].end >= pause
                        or len(" ".join(w.text for w in current)) + 1 + len(word.text) > max_chars
                        or word.end - current[0].start > max_seconds):
            cues.append((current[0].start, current[-1].end, " ".join(w.text for w in current)))
            current = []
        current.append(word)
    if current:
        cues.append((current[0].start, current[-1].end, " ".join(w.text for w in current)))
    return cues
