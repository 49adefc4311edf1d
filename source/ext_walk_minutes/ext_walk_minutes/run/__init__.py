"""A run, built from what was asked: its spec and configs (one place), its folder, presets and trained config;
the policies it plays (trained, shipped, stand-ins), export, video, the browser view and the drive panel."""
