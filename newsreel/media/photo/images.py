"""Photo masters: safe opening, probing, credits, and the large/medium/thumbnail JPEG renditions.

Renditions are upright (EXIF orientation applied), keep the master's colour (its ICC profile is carried over;
CMYK is converted to sRGB through its profile) and carry the credits in both IPTC IIM and XMP.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, ImageOps

from newsreel.media.limits import DEFAULT_LIMITS, MAX_IMAGE_PIXELS, MediaLimits
from newsreel.media.photo.credits import (
    build_app13,
    build_xmp,
    combine,
    jpeg_metadata_segments,
    parse_iim,
    parse_xmp,
)
from newsreel.media.probe import PhotoCredits, PhotoInfo
from newsreel.media.renditions import RenditionFile, describe, write_atomic
from newsreel.media.safeio import (
    IMAGE_FAMILIES,
    DamagedMedia,
    MediaTooLarge,
    UnsupportedMedia,
    check_regular_file,
    raise_refusal,
    sniff_family,
)

# Pillow's own bomb guard, lowered to our limit and made fatal: a warning that merely logs protects nothing.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)
ImageFile.LOAD_TRUNCATED_IMAGES = False

ALLOWED_FORMATS = ("JPEG", "PNG", "TIFF")
_ORIENTATION_TAG = 0x0112
_IPTC_TIFF_TAG = 33723
_XMP_TIFF_TAG = 700


@dataclass(frozen=True)
class PhotoSize:
    role: str
    long_edge: int
    quality: int


PHOTO_SIZES = (
    PhotoSize("photo_large", 2048, 88),
    PhotoSize("photo_medium", 1024, 85),
    PhotoSize("photo_thumbnail", 320, 82),
)


def open_image(path: str | os.PathLike[str], *, limits: MediaLimits = DEFAULT_LIMITS) -> Image.Image:
    """Open a JPEG, PNG or TIFF lazily (header only), refusing other formats and oversized pictures."""
    p = check_regular_file(path)
    family = sniff_family(p)
    if family is None:
        raise_refusal(p)
    if family not in IMAGE_FAMILIES:
        raise UnsupportedMedia(f"{p.name}: this is a {family.upper()} audio/video file, not a photo")
    try:
        img = Image.open(p, formats=ALLOWED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaTooLarge(
            f"{p.name}: the picture has too many pixels to process safely "
            f"(limit {limits.max_image_pixels / 1e6:.0f} megapixels)"
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise DamagedMedia(f"{p.name}: the photo could not be read; it may be truncated or damaged") from exc
    w, h = img.size
    if w <= 0 or h <= 0:
        img.close()
        raise DamagedMedia(f"{p.name}: the photo has no picture size")
    if w > limits.max_image_width or h > limits.max_image_height:
        img.close()
        raise MediaTooLarge(
            f"{p.name}: the photo is {w}x{h} pixels, more than allowed "
            f"({limits.max_image_width}x{limits.max_image_height})"
        )
    # Pillow's guard is process-wide and only warns; it is enforced here too, in case a caller's warning
    # filters (a test runner, a library) turned our "error" filter off.
    max_pixels = min(limits.max_image_pixels, Image.MAX_IMAGE_PIXELS or limits.max_image_pixels)
    if w * h > max_pixels:
        img.close()
        raise MediaTooLarge(
            f"{p.name}: the picture has too many pixels to process safely ({w}x{h}; "
            f"limit {max_pixels / 1e6:.0f} megapixels)"
        )
    return img


def read_photo_credits(path: str | os.PathLike[str]) -> PhotoCredits:
    """Creator, credit line and copyright notice from a photo's IPTC IIM and XMP (XMP wins on conflict)."""
    p = Path(path)
    with open(p, "rb") as fh:
        head = fh.read(2)
    if head == b"\xff\xd8":
        with open(p, "rb") as fh:
            # Metadata segments precede the image data; 4 MB is more than any real header.
            iim, xmp = jpeg_metadata_segments(fh.read(4 * 1024 * 1024))
    else:
        with open_image(p) as img:
            iim, xmp = _container_metadata(img)
    return combine(parse_iim(iim) if iim else PhotoCredits(), parse_xmp(xmp) if xmp else PhotoCredits())


def _container_metadata(img: Image.Image) -> tuple[bytes | None, bytes | None]:
    iim = xmp = None
    if img.format == "TIFF":
        tags = getattr(img, "tag_v2", {})
        raw_iim, raw_xmp = tags.get(_IPTC_TIFF_TAG), tags.get(_XMP_TIFF_TAG)
        iim = _as_bytes(raw_iim)
        xmp = _as_bytes(raw_xmp)
    else:
        raw = img.info.get("xmp") or img.info.get("XML:com.adobe.xmp")
        xmp = _as_bytes(raw)
    return iim, xmp


def _as_bytes(value: object) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, tuple | list):  # libtiff hands back some blobs as sequences of ints
        try:
            return bytes(value)
        except (TypeError, ValueError):
            return None
    return None


def probe_photo(path: Path, *, limits: MediaLimits = DEFAULT_LIMITS) -> PhotoInfo:
    with open_image(path, limits=limits) as img:
        orientation = int(img.getexif().get(_ORIENTATION_TAG, 1) or 1)
        return PhotoInfo(
            format=str(img.format),
            width=img.width,
            height=img.height,
            mode=img.mode,
            orientation=orientation if 1 <= orientation <= 8 else 1,
            icc_profile=bool(img.info.get("icc_profile")),
            credits=read_photo_credits(path),
        )


def _load_upright(img: Image.Image, name: str) -> Image.Image:
    try:
        img.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise DamagedMedia(f"{name}: the photo could not be decoded; it may be truncated or damaged") from exc
    upright = ImageOps.exif_transpose(img)
    return upright if upright is not None else img


def _to_web_mode(img: Image.Image) -> tuple[Image.Image, bytes | None]:
    """An RGB or L image for JPEG plus the ICC profile describing it."""
    icc = img.info.get("icc_profile") or None
    if img.mode == "CMYK":
        if icc:
            try:
                source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
                srgb = ImageCms.createProfile("sRGB")
                converted = ImageCms.profileToProfile(img, source, srgb, outputMode="RGB")
                if converted is not None:
                    return converted, ImageCms.ImageCmsProfile(srgb).tobytes()
            except ImageCms.PyCMSError:
                pass
        return img.convert("RGB"), None
    if img.mode in {"RGBA", "LA", "PA"} or (img.mode == "P" and "transparency" in img.info):
        # Transparency has no meaning in JPEG: flatten on white, as a page background would show it.
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background, icc
    if img.mode in {"I;16", "I;16B", "I;16L", "I"}:
        return img.point(lambda v: v / 256).convert("L"), icc
    if img.mode in {"RGB", "L"}:
        return img, icc
    return img.convert("RGB"), icc


def _jpeg_bytes(
    img: Image.Image, *, quality: int, icc: bytes | None, exif: Image.Exif, credits: PhotoCredits
) -> bytes:
    buf = io.BytesIO()
    img.save(
        buf,
        "JPEG",
        quality=quality,
        optimize=True,
        progressive=True,
        subsampling="4:2:0",
        icc_profile=icc,
        exif=exif,
        xmp=build_xmp(credits),
        extra=build_app13(credits),
    )
    return buf.getvalue()


def _fit(size: tuple[int, int], long_edge: int) -> tuple[int, int]:
    w, h = size
    scale = min(1.0, long_edge / max(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def render_photo(
    master: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    credits: PhotoCredits | None = None,
    sizes: tuple[PhotoSize, ...] = PHOTO_SIZES,
    limits: MediaLimits = DEFAULT_LIMITS,
    basename: str = "photo",
) -> list[RenditionFile]:
    """Write `<basename>_<size>.jpg` renditions into `out_dir` and describe them.

    Credits embedded are the master's own where present, else those given. Never upscales: a master
    smaller than a size gives a rendition at the master's size.
    """
    p = Path(master)
    out = Path(out_dir)
    master_credits = read_photo_credits(p)
    embedded = master_credits.merged_over(credits)
    with open_image(p, limits=limits) as img:
        upright = _load_upright(img, p.name)
        exif = upright.getexif()
        exif.pop(_ORIENTATION_TAG, None)  # pixels are upright now; a leftover tag would rotate them again
        picture, icc = _to_web_mode(upright)
    results = []
    previous = picture
    for size in sorted(sizes, key=lambda s: -s.long_edge):
        target = _fit(picture.size, size.long_edge)
        # Each size is reduced from the previous one: much cheaper than from the master, and Lanczos
        # from an image at least twice the target keeps the same sharpness.
        source = previous if previous.width >= target[0] else picture
        resized = (
            source
            if source.size == target
            else source.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
        )
        final = out / f"{basename}_{size.role.removeprefix('photo_')}.jpg"
        write_atomic(final, _jpeg_bytes(resized, quality=size.quality, icc=icc, exif=exif, credits=embedded))
        results.append(describe(final, size.role, "jpeg"))
        previous = resized
    return results
