"""Every bound on what a content tree may ask of the build, in one place.

Content may come from anyone (a pull request, another clinic), so each input is capped
before it is read, decoded or rendered; the README lists these numbers.
"""

from __future__ import annotations

# files -------------------------------------------------------------------------
MAX_YAML_BYTES = 2 * 1024 * 1024       # one content, layout or strings YAML file
MAX_IMAGE_BYTES = 20 * 1024 * 1024     # one logo file (PNG, JPEG or SVG)
MAX_FONT_BYTES = 50 * 1024 * 1024      # one font file
MAX_PROFILE_BYTES = 4 * 1024 * 1024    # one ICC output profile (layouts/profiles/)
MAX_OTHER_BYTES = 50 * 1024 * 1024     # any other file in an input tree (hashed, never parsed)
MAX_FILES = 10_000                     # files in one input tree
MAX_DEPTH = 32                         # folder nesting in one input tree
MAX_YAML_DEPTH = 64                    # nesting of lists and mappings inside one YAML file

# images ------------------------------------------------------------------------
MAX_IMAGE_PIXELS = 25_000_000          # width x height of a raster logo (5000 x 5000)

# output ------------------------------------------------------------------------
MAX_NAME_BYTES = 255                   # one file or folder name (most file systems)

# text --------------------------------------------------------------------------
MAX_TEXT = 20_000                      # one content string (paragraph, note, definition), as written and as rendered
MAX_HEADING = 200                      # a title, subtitle, tagline or section heading
MAX_ITEM = 1_000                       # a list item (bullets, steps, treats, when_to_call) or the call to action
MAX_CLINIC_NAME = 120                  # the clinic's name (masthead)
MAX_PHONE = 40                         # phone, after_hours or emergency number
MAX_WEBSITE = 200                      # the clinic's website
MAX_EMAIL = 254                        # the clinic's email address (the longest mail allows)
MAX_ADDRESS_LINE = 120                 # one line of the clinic's address
MAX_SPOT = 60                          # a spot colour's name (PANTONE 268 C)
MAX_FOOTER_FIELD = 80                  # review id, version or reviewed_by (printed in every footer)
MAX_TERM = 100                         # one glossary term or jargon entry
MAX_GLOSSARY_TERMS = 2_000             # terms in one glossary.yaml
MAX_JARGON = 2_000                     # jargon entries in one glossary.yaml

# templates ---------------------------------------------------------------------
MAX_TEMPLATE_SECONDS = 2.0             # one content string's template, for loops that print nothing
MAX_TEMPLATE_RANGE = 1_000             # steps of range() in a template
MAX_TEMPLATE_EXPONENT = 100            # the right side of ** in a template
MAX_TEMPLATE_WORK = 10_000_000         # characters one template operation may build before its result is measured
MAX_OUTPUT_BYTES = 512 * 1024 * 1024   # a PDF of a build, read back for proofs or the change report
