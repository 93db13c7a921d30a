"""Photos: renditions with embedded credits (`images`), IPTC and XMP read and written (`credits`)."""
