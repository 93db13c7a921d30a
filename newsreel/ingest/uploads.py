"""Upload handling: masters stream to a temporary file on disk, never into memory, under a size limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Spools every upload to disk and skips a file once it passes NEWSREEL_MAX_UPLOAD_BYTES.

    The request is marked so the form can say why the file is missing instead of failing silently.
    """

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self.received = 0
        # Also here: a test or a process that moved MEDIA_ROOT after start-up still spools beside the media.
        if settings.FILE_UPLOAD_TEMP_DIR:
            Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.NEWSREEL_MAX_UPLOAD_BYTES:
            if self.request is not None:
                self.request.upload_too_large = True  # type: ignore[attr-defined]
            self.file.close()
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)
