"""Audio files: renditions of an audio master (`renditions`) and clips cut from it to the sample (`cut`)."""
