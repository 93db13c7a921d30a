"""Speech recognition drafts: espeak-ng speaks a known sentence, PocketSphinx writes it as draft captions.

Bounds, stated: word error rate at most 0.4 (the synthetic voice and the small generic model of the PyPI
package make a few errors: "the committee" is often heard as "can we be"), and the first and last recognised
words within 0.3 s of where the speech starts and ends in the file (measured from its samples).
"""

from __future__ import annotations

import array
import subprocess
import wave
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from newsreel.captions.models import CaptionStatus, CueSet, JobStatus
from newsreel.captions.recognition import request_recognition
from newsreel.catalogue.models import Role
from tests.downloads.conftest import add_file
from tests.system_tools import require_tool

SENTENCE = "The committee approved the budget for the new bridge today"
LEAD_SECONDS = 2  # silence before the sentence
MAX_WER = 0.4
MAX_OFFSET = Fraction(3, 10)


def word_error_rate(reference: list[str], hypothesis: list[str]) -> float:
    """Levenshtein distance between the word lists, over the reference's length."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, start=1):
        current = [i]
        for j, hyp in enumerate(hypothesis, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1] / len(reference)


def test_word_error_rate() -> None:
    assert word_error_rate(["a", "b", "c"], ["a", "b", "c"]) == 0
    assert word_error_rate(["a", "b", "c", "d"], ["a", "x", "c"]) == 0.5


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Fraction, Fraction]:
    """A WAV file: LEAD_SECONDS of silence, then the sentence; with where the speech starts and ends."""
    folder = tmp_path_factory.mktemp("speech")
    said = folder / "said.wav"
    subprocess.run([require_tool("espeak-ng"), "-v", "en-us+f2", "-s", "150", "-w", str(said), SENTENCE], check=True)
    with wave.open(str(said), "rb") as source:
        rate, width = source.getframerate(), source.getsampwidth()
        samples = array.array("h", source.readframes(source.getnframes()))
    assert width == 2
    loud = [n for n, value in enumerate(samples) if abs(value) > 1000]
    lead = array.array("h", [0] * (LEAD_SECONDS * rate))
    path = folder / "speech.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((lead + samples + array.array("h", [0] * rate)).tobytes())
    return path, LEAD_SECONDS + Fraction(loud[0], rate), LEAD_SECONDS + Fraction(loud[-1], rate)


@pytest.mark.slow
@pytest.mark.django_db
def test_a_spoken_sentence_becomes_a_draft(spoken: tuple[Path, Fraction, Fraction], item_factory: Any,
                                           settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    path, speech_start, speech_end = spoken
    item = item_factory(frame_rate="25")
    add_file(item, Role.AUDIO_WAV, source=path, media_root=settings.MEDIA_ROOT, mime="audio/wav", suffix=".wav")
    with django_capture_on_commit_callbacks(execute=True):
        request_recognition(item=item, language="en")  # the task runs at once (immediate backend in tests)
    cue_set = CueSet.objects.get(item=item, language="en")
    assert cue_set.job_status == JobStatus.DONE and cue_set.job_progress == 1.0
    assert cue_set.status == CaptionStatus.DRAFT  # never published by the machine
    assert cue_set.source == "machine:pocketsphinx"
    cues = list(cue_set.cues.all())
    words = " ".join(cue.text for cue in cues).lower().split()
    wer = word_error_rate(SENTENCE.lower().split(), words)
    assert wer <= MAX_WER, (words, wer)
    rate = cue_set.frame_rate
    assert rate == 25
    assert abs(Fraction(cues[0].start) / rate - speech_start) <= MAX_OFFSET
    assert abs(Fraction(cues[-1].end) / rate - speech_end) <= MAX_OFFSET


@pytest.mark.django_db
def test_published_captions_are_not_replaced_by_a_draft(item_factory: Any, settings: Any,
                                                        spoken: tuple[Path, Fraction, Fraction]) -> None:
    from newsreel.captions import services
    from newsreel.captions.recognition import RecognitionRefused

    item = item_factory()
    add_file(item, Role.AUDIO_WAV, source=spoken[0], media_root=settings.MEDIA_ROOT, mime="audio/wav",
             suffix=".wav")
    services.cue_set_replace(item=item, language="en", cues=[], source="uploaded", status="published")
    with pytest.raises(RecognitionRefused, match="unpublish them first"):
        request_recognition(item=item, language="en")


@pytest.mark.django_db
def test_a_job_silent_too_long_is_queued_again_and_a_live_one_is_not(item_factory: Any, settings: Any,
                                                                    spoken: tuple[Path, Fraction, Fraction],
                                                                    django_capture_on_commit_callbacks: Any,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from django.utils import timezone

    from newsreel.captions import recognition

    queued: list[int] = []
    monkeypatch.setattr(recognition, "_enqueue", queued.append)
    item = item_factory()
    add_file(item, Role.AUDIO_WAV, source=spoken[0], media_root=settings.MEDIA_ROOT, mime="audio/wav",
             suffix=".wav")
    with django_capture_on_commit_callbacks(execute=True):
        cue_set = request_recognition(item=item, language="en")
    assert len(queued) == 1
    CueSet.objects.filter(pk=cue_set.pk).update(job_status=JobStatus.RUNNING, job_heartbeat=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        request_recognition(item=item, language="en")
    assert len(queued) == 1  # running and alive: left alone
    assert recognition.run_recognition(cue_set_id=cue_set.pk).job_status == JobStatus.RUNNING  # not claimed twice
    CueSet.objects.filter(pk=cue_set.pk).update(job_heartbeat=timezone.now() - dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        request_recognition(item=item, language="en")
    assert len(queued) == 2  # its worker died: queued again
