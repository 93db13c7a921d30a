"""Clips of a video file: frame-accurate smart cut (`video`) and the parts it is made of.

`video.cut` is the entry; `index` reads the source's GOPs and sample tables, `encode` re-encodes the edges,
`video_audio` cuts the audio track that goes with the picture, `mp4` (with `mp4_writer`, `mp4_tables`) writes
the file, and `h264` rewrites the copied bitstream where the edges meet it. A clip cut from an audio file is
`newsreel.media.audio.cut`.
"""
