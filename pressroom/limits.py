"""Every bound on what a content tree may ask of the build, in one place.

Content may come from anyone (a pull request, another clinic), so each input is capped
before it is read, decoded or rendered; the README lists these numbers.
"""

from __future__ import annotations

# files -------------------------------------------------------------------------
MAX_YAML_BYTES = 2 * 1024 * 1024       # one content, layout or strings YAML file
MAX_IMAGE_BYTES = 20 * 1024 * 1024     # one logo file (PNG, JPEG or SVG)
MAX_FONT_BYTES = 50 * 1024 * 1024      # one font file
MAX_OTHER_BYTES = 50 * 1024 * 1024     # any other file in an input tree (hashed, never parsed)
MAX_FILES = 10_000                     # files in one input tree
MAX_DEPTH = 32                         # folder nesting in one input tree
MAX_YAML_DEPTH = 64                    # nesting of lists and mappings inside one YAML file

# images ------------------------------------------------------------------------
MAX_IMAGE_PIXELS = 25_000_000          # width x height of a raster logo (5000 x 5000)

# output ------------------------------------------------------------------------
MAX_NAME_BYTES = 255                   # one file or folder name (most file systems)
MAX_OUTPUT_BYTES = 512 * 1024 * 1024   # a PDF of a build, read back for proofs or the change report
