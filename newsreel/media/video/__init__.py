"""Video renditions: transcodes (`transcode`), poster and storyboard (`storyboard`), and their helpers."""
