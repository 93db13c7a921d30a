from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms

from newsreel.media.photo.credits import build_app13
from newsreel.media.photo.images import read_photo_credits, render_photo
from newsreel.media.probe import PhotoCredits, probe
from newsreel.media.testpattern import generate_photo

GIVEN = PhotoCredits(
    creator="Jane Doe", credit_line="Alliance Photo Service", copyright_notice="© 2026 Alliance"
)
UNICODE = PhotoCredits(
    creator="Zoë Łukasiewicz-Müller", credit_line="Служба фото", copyright_notice="© 2026 Éditions Ōkami"
)

needs_exiftool = pytest.mark.usefixtures("system_exiftool")


def exiftool(path: Path) -> dict:
    out = subprocess.run(
        [
            "exiftool",
            "-json",
            "-charset",
            "iptc=UTF8",
            "-IPTC:all",
            "-XMP:all",
            "-EXIF:Orientation",
            "-ICC_Profile:ProfileDescription",
            "-ImageWidth",
            "-ImageHeight",
            str(path),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)[0]


def _renditions(master: Path, out: Path, credits: PhotoCredits | None = GIVEN) -> dict[str, Path]:
    return {f.role: f.path for f in render_photo(master, out, credits=credits)}


def test_photo_renditions_have_the_three_sizes_without_upscaling(tmp_path: Path) -> None:
    master = generate_photo(tmp_path / "m.jpg", 3000, 2000)
    files = render_photo(master, tmp_path / "out", credits=GIVEN)
    sizes = {f.role: (f.width, f.height) for f in files}
    assert sizes == {"photo_large": (2048, 1365), "photo_medium": (1024, 683), "photo_thumbnail": (320, 213)}
    for f in files:
        with Image.open(f.path) as img:
            assert img.format == "JPEG" and img.size == (f.width, f.height)
        assert f.mime_type == "image/jpeg" and f.size_bytes == f.path.stat().st_size
    small = render_photo(generate_photo(tmp_path / "s.png", 600, 400), tmp_path / "small")
    assert {f.role: (f.width, f.height) for f in small}["photo_large"] == (600, 400)


def test_portrait_tagged_photo_comes_out_portrait_and_upright(tmp_path: Path) -> None:
    # Stored landscape with EXIF orientation 6: the camera was turned; viewers rotate 90° clockwise.
    master = generate_photo(tmp_path / "turned.jpg", 1200, 800, exif_orientation=6)
    large = _renditions(master, tmp_path / "out")["photo_large"]
    with Image.open(large) as img:
        assert img.size == (800, 1200)
        assert img.getexif().get(0x0112, 1) == 1, "orientation must not be applied twice"
        rgb = np.asarray(img.convert("RGB"), np.float32)
    # Stored green grows downwards and red rightwards; after a clockwise turn green grows leftwards
    # and red downwards.
    assert rgb[:, :40, 1].mean() > 200 and rgb[:, -40:, 1].mean() < 55
    assert rgb[:40, :, 0].mean() < 55 and rgb[-40:, :, 0].mean() > 200


def test_given_credits_are_embedded_in_iptc_and_xmp(tmp_path: Path) -> None:
    master = generate_photo(tmp_path / "m.jpg", 800, 600)
    for path in _renditions(master, tmp_path / "out", UNICODE).values():
        assert read_photo_credits(path) == UNICODE
        raw = path.read_bytes()
        creator, credit = "Zoë Łukasiewicz-Müller".encode(), "Служба фото".encode()
        segment = raw.index(b"\xff\xed")
        assert raw[segment + 4 : segment + 18] == b"Photoshop 3.0\x00"
        assert b"\x1c\x02\x50" + len(creator).to_bytes(2, "big") + creator in raw  # IIM 2:80 By-line
        assert b"\x1c\x02\x6e" + len(credit).to_bytes(2, "big") + credit in raw  # IIM 2:110 Credit
        assert b"\x1c\x01\x5a\x00\x03\x1b%G" in raw  # IIM declares UTF-8
        assert b"http://ns.adobe.com/xap/1.0/\x00" in raw
        assert f"<photoshop:Credit>{UNICODE.credit_line}</photoshop:Credit>".encode() in raw


@needs_exiftool
def test_exiftool_reads_the_embedded_credits(tmp_path: Path) -> None:
    master = generate_photo(tmp_path / "m.jpg", 800, 600)
    large = _renditions(master, tmp_path / "out", UNICODE)["photo_large"]
    tags = exiftool(large)
    assert tags["By-line"] == UNICODE.creator
    assert tags["Credit"] == UNICODE.credit_line  # XMP photoshop:Credit and IPTC Credit share the name
    assert tags["CopyrightNotice"] == UNICODE.copyright_notice
    assert tags["Creator"] == UNICODE.creator
    assert tags["Rights"] == UNICODE.copyright_notice
    assert tags["CodedCharacterSet"] == "UTF8"


@needs_exiftool
def test_master_credits_win_over_given_ones(tmp_path: Path) -> None:
    master = generate_photo(tmp_path / "m.jpg", 800, 600)
    # Written by an independent tool, so the reader is tested against real-world IPTC/XMP too.
    subprocess.run(
        [
            "exiftool",
            "-q",
            "-overwrite_original",
            "-charset",
            "iptc=UTF8",
            "-IPTC:CodedCharacterSet=UTF8",
            "-IPTC:By-line=Photographer Ü",
            "-XMP-dc:Creator=Photographer Ü",
            "-XMP-photoshop:Credit=Agency X",
            "-IPTC:Credit=Agency X",
            str(master),
        ],
        check=True,
    )
    assert read_photo_credits(master) == PhotoCredits("Photographer Ü", "Agency X", None)
    large = _renditions(master, tmp_path / "out", GIVEN)["photo_large"]
    # Creator and credit from the master, the missing copyright notice from the given metadata.
    assert read_photo_credits(large) == PhotoCredits("Photographer Ü", "Agency X", GIVEN.copyright_notice)
    tags = exiftool(large)
    assert (tags["By-line"], tags["Credit"], tags["CopyrightNotice"]) == (
        "Photographer Ü",
        "Agency X",
        GIVEN.copyright_notice,
    )


def test_reader_takes_iptc_only_credits(tmp_path: Path) -> None:
    img = Image.new("RGB", (32, 32), (10, 20, 30))
    path = tmp_path / "iptc_only.jpg"
    buf = io.BytesIO()
    img.save(buf, "JPEG", extra=build_app13(GIVEN))
    path.write_bytes(buf.getvalue())
    assert read_photo_credits(path) == GIVEN


def test_icc_profile_is_carried_over(tmp_path: Path) -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()  # any distinctive profile
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    assert profile != srgb
    master = tmp_path / "icc.jpg"
    Image.open(generate_photo(tmp_path / "plain.jpg", 400, 300)).save(master, "JPEG", icc_profile=srgb)
    info = probe(master)
    assert info.photo is not None and info.photo.icc_profile
    for path in _renditions(master, tmp_path / "out").values():
        with Image.open(path) as img:
            assert img.info.get("icc_profile") == srgb


def test_cmyk_with_profile_is_converted_to_srgb(tmp_path: Path) -> None:
    master = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (200, 100), (0, 255, 255, 0)).save(master, "JPEG")  # pure red ink, no profile
    large = _renditions(master, tmp_path / "out")["photo_large"]
    with Image.open(large) as img:
        assert img.mode == "RGB"
        r, g, b = np.asarray(img, np.float32).reshape(-1, 3).mean(axis=0)
        assert r > 200 and g < 60 and b < 60


def test_transparent_png_and_tiff_masters_are_accepted(tmp_path: Path) -> None:
    png = tmp_path / "alpha.png"
    Image.new("RGBA", (100, 50), (255, 0, 0, 0)).save(png)
    with Image.open(_renditions(png, tmp_path / "png")["photo_medium"]) as img:
        assert img.mode == "RGB"
        assert np.asarray(img).mean() > 250  # transparent becomes white, not black
    tiff = generate_photo(tmp_path / "m.tif", 500, 300)
    assert probe(tiff).container == "tiff"
    with Image.open(_renditions(tiff, tmp_path / "tif")["photo_thumbnail"]) as img:
        assert img.size == (320, 192)


def test_rendering_again_overwrites_the_same_files(tmp_path: Path) -> None:
    master = generate_photo(tmp_path / "m.jpg", 500, 300)
    first = render_photo(master, tmp_path / "out", credits=GIVEN)
    second = render_photo(master, tmp_path / "out", credits=GIVEN)
    assert [f.path for f in first] == [f.path for f in second]
    assert [f.sha256 for f in first] == [f.sha256 for f in second]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "photo_large.jpg",
        "photo_medium.jpg",
        "photo_thumbnail.jpg",
    ]
